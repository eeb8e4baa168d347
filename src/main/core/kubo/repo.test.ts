import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, takePort } from './ports.js'
import {
  applyConfig,
  choosePorts,
  chooseRpcSocket,
  gatewaySocketBeside,
  leftoverSocketDir,
  privateSocketDir,
} from './repo.js'

const servers: Server[] = []
const occupy = (port: number) =>
  new Promise<void>((resolve) => {
    const s = createServer().listen(port, '127.0.0.1', () => resolve())
    servers.push(s)
  })
afterEach(() => servers.splice(0).forEach((s) => s.close()))

const config = (api: number, gateway: number, swarm: number) => ({
  Addresses: {
    API: `/ip4/127.0.0.1/tcp/${api}`,
    Gateway: `/ip4/127.0.0.1/tcp/${gateway}`,
    Swarm: [`/ip4/0.0.0.0/tcp/${swarm}`],
  },
})

describe('kubo ports', () => {
  it('keeps ports that are still free', async () => {
    const [a, b, c] = [await freePort(), await freePort(), await freePort()]
    expect(await choosePorts(config(a, b, c), 'kubo:test')).toEqual({ api: a, gateway: b, swarm: c })
  })

  it('gives the RPC and the gateway no port when they listen on sockets', async () => {
    const [a, b, c] = [await freePort(), await freePort(), await freePort()]
    expect(await choosePorts(config(a, b, c), 'kubo:test', true)).toEqual({ api: 0, gateway: 0, swarm: c })
  })

  it('replaces a port another program took, and never uses the standard ones', async () => {
    const taken = await freePort()
    await occupy(taken)
    const ports = await choosePorts(config(5001, taken, 4001), 'kubo:test')
    for (const p of Object.values(ports)) expect([4001, 5001, 8080, taken]).not.toContain(p)
    expect(new Set(Object.values(ports)).size).toBe(3)
  })
})

describe('ports claimed in this process', () => {
  it('are never given to another owner, even before anything listens on them', async () => {
    // MinIO claims a port for itself; a Kubo starting beside it had that port in its config (seen in a run:
    // both children given 33777, and MinIO could not start).
    const minios = await freePort(new Set(), 'minio:/data/a')
    expect(await takePort(minios, 'kubo:/data/b')).toBe(false)
    expect(await takePort(minios, 'minio:/data/a')).toBe(true)
    const a = await freePort(new Set([minios]), 'kubo:/data/b')
    const c = await freePort(new Set([minios, a]), 'kubo:/data/b')
    const ports = await choosePorts(config(a, minios, c), 'kubo:/data/b')
    expect(ports.api).toBe(a)
    expect(ports.gateway).not.toBe(minios)
    expect(ports.swarm).toBe(c)
    // Kubo's picks are claimed in turn.
    for (const p of Object.values(ports)) expect(await takePort(p, 'minio:/data/a')).toBe(false)
  })
})

describe('kubo config', () => {
  it('binds RPC and gateway to loopback, and in local mode leaves the network alone', () => {
    const repo = mkdtempSync(join(tmpdir(), 'tack-repo-'))
    try {
      writeFileSync(join(repo, 'api'), '/ip4/127.0.0.1/tcp/1') // left behind by a kill -9
      const socket = join(repo, 'rpc.sock')
      applyConfig(repo, { Bootstrap: ['auto'] }, { api: 1111, gateway: 2222, swarm: 3333 }, 'local', 's3cret', socket)
      const written = JSON.parse(readFileSync(join(repo, 'config'), 'utf8'))
      expect(written.Addresses).toEqual({
        API: `/unix${join(repo, 'rpc.sock')}`,
        Gateway: `/unix${join(repo, 'gateway.sock')}`,
        Swarm: ['/ip4/127.0.0.1/tcp/3333'],
      })
      expect(written.Bootstrap).toEqual([])
      expect(written.Routing.Type).toBe('none')
      expect(written.Gateway.NoFetch).toBe(true)
      expect(written.Gateway.ExposeRoutingAPI).toBe(false)
      expect(written.API.Authorizations).toEqual({ tack: { AuthSecret: 'bearer:s3cret', AllowedPaths: ['/api/v0'] } })
      expect(statSync(join(repo, 'config')).mode & 0o777).toBe(0o600)
      expect(existsSync(join(repo, 'api'))).toBe(false)

      // Someone else's entry is dropped: only Tack's secret opens the RPC.
      written.API.Authorizations.other = { AuthSecret: 'bearer:x', AllowedPaths: ['/api/v0'] }
      applyConfig(repo, written, { api: 1111, gateway: 2222, swarm: 3333 }, 'public', 'n3w', socket)
      const pub = JSON.parse(readFileSync(join(repo, 'config'), 'utf8'))
      expect(pub.Addresses.API).toBe(`/unix${join(repo, 'rpc.sock')}`)
      // Where no socket can be (Windows), the RPC takes its port on loopback.
      const deep = join(repo, 'x'.repeat(100))
      mkdirSync(deep)
      applyConfig(deep, {}, { api: 1111, gateway: 2222, swarm: 3333 }, 'local', 's3cret', undefined)
      const onPorts = JSON.parse(readFileSync(join(deep, 'config'), 'utf8')).Addresses
      expect(onPorts.API).toBe('/ip4/127.0.0.1/tcp/1111')
      expect(onPorts.Gateway).toBe('/ip4/127.0.0.1/tcp/2222')
      expect(pub.Addresses.Swarm).toContain('/ip4/0.0.0.0/tcp/3333')
      expect(pub.Routing.Type).toBe('auto')
      expect(Object.keys(pub.API.Authorizations)).toEqual(['tack'])
      expect(pub.API.Authorizations.tack.AuthSecret).toBe('bearer:n3w')
    } finally {
      rmSync(repo, { recursive: true, force: true })
    }
  })
})

describe.skipIf(process.platform === 'win32')("the RPC's and the gateway's sockets", () => {
  it('are in the repo when their paths fit, else in a fresh 0700 directory of their own under the temp dir', () => {
    const root = mkdtempSync(join(tmpdir(), 'tack-sock-'))
    try {
      expect(chooseRpcSocket(join(root, 'repo'))).toBe(join(root, 'repo', 'rpc.sock'))
      expect(gatewaySocketBeside(join(root, 'repo', 'rpc.sock'))).toBe(join(root, 'repo', 'gateway.sock'))
      expect(privateSocketDir(join(root, 'repo'), join(root, 'repo', 'rpc.sock'))).toBeUndefined()

      // A data dir path longer than a socket address takes (about 104 bytes): never a TCP port.
      const deep = join(root, 'x'.repeat(120), 'kubo')
      const socket = chooseRpcSocket(deep, root)!
      expect(socket).toBeDefined()
      expect(Buffer.byteLength(gatewaySocketBeside(socket))).toBeLessThanOrEqual(100)
      const dir = privateSocketDir(deep, socket)!
      expect(dir.startsWith(join(root, 'tack-kubo-'))).toBe(true)
      expect(statSync(dir).mode & 0o777).toBe(0o700)
      // Each choice is a new directory nobody could have made first.
      const again = chooseRpcSocket(deep, root)!
      expect(privateSocketDir(deep, again)).not.toBe(dir)

      // A repo whose RPC socket would fit but whose gateway socket would not: both go to the private dir.
      const edge = join(root, 'e'.repeat(100 - Buffer.byteLength(join(root, 'rpc.sock')) - 1))
      expect(Buffer.byteLength(join(edge, 'rpc.sock'))).toBe(100)
      expect(dirname(chooseRpcSocket(edge, root)!)).not.toBe(edge)

      // A temp dir too long for a socket too: no socket (a port), and no directory left behind.
      const longTemp = join(root, 'y'.repeat(100))
      mkdirSync(longTemp)
      expect(chooseRpcSocket(deep, longTemp)).toBeUndefined()
      expect(readdirSync(longTemp)).toEqual([])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})

describe('a private socket directory left by a killed run', () => {
  const root = '/tmp/tack-test-root'
  it('is the tack-kubo-* directory right under the temp dir that Kubo config names', () => {
    expect(leftoverSocketDir({ Addresses: { API: `/unix${root}/tack-kubo-Ab12/rpc.sock` } }, root)).toBe(
      `${root}/tack-kubo-Ab12`,
    )
    expect(leftoverSocketDir({ Addresses: { API: [`/unix${root}/tack-kubo-x/rpc.sock`] } }, root)).toBe(
      `${root}/tack-kubo-x`,
    )
  })
  it('is nothing for a socket in the repo, a TCP address, or a path that is not one of ours', () => {
    expect(
      leftoverSocketDir({ Addresses: { API: '/unix/home/u/.local/share/tack/kubo/rpc.sock' } }, root),
    ).toBeUndefined()
    expect(leftoverSocketDir({ Addresses: { API: '/ip4/127.0.0.1/tcp/5001' } }, root)).toBeUndefined()
    expect(leftoverSocketDir({ Addresses: { API: `/unix${root}/other/rpc.sock` } }, root)).toBeUndefined()
    expect(
      leftoverSocketDir({ Addresses: { API: `/unix${root}/tack-kubo-x/../../etc/rpc.sock` } }, root),
    ).toBeUndefined()
    expect(leftoverSocketDir({}, root)).toBeUndefined()
  })
})
