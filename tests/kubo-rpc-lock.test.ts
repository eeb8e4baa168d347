// Kubo's RPC answers Tack alone: without the secret from the data dir (0600) a caller gets 403 from Kubo,
// with it 200; Kubo's own CLI needs `--api-auth`; Tack keeps working (a PSA pin reaches `pinned`), and the
// secret survives a restart.
import { execFile, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kuboEnv, readConfig } from '../src/main/core/kubo/repo.js'
import { streamPost } from '../src/main/core/kubo/stream-post.js'
import { paths } from '../src/main/core/state.js'
import { kuboBinary } from './fixtures/binaries.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { kuboPidsFor, waitFor } from './fixtures/processes.js'
import { psaClient } from './fixtures/psa.js'
import { spawnServe } from './fixtures/serve.js'
import { tempDir } from './fixtures/tmp.js'

const run = promisify(execFile)
const dir = tempDir()
let tack: TestTack

beforeAll(async () => {
  tack = await startTack({ dataDir: dir.path })
})
afterAll(async () => {
  await tack?.stop()
  dir.remove()
})

/**
 * A raw RPC call, as any local program could make it (through the socket when Kubo listens on one),
 * following one redirect as fetch would (Kubo redirects `/api/v0//id` to its clean path).
 */
async function rpc(path: string, authorization?: string): Promise<Response> {
  const headers: Record<string, string> = authorization ? { authorization } : {}
  const socketPath = tack.core.kubo.rpcSocket()
  const post = (url: URL) => streamPost(url, (async function* () {})(), { headers, socketPath })
  const url = new URL(`${tack.core.kubo.apiUrl()}/api/v0/${path}`)
  const res = await post(url)
  const location = res.headers.get('location')
  return [307, 308].includes(res.status) && location ? post(new URL(location, url)) : res
}

/** A GET through the RPC's socket: its status. */
const getThroughSocket = (path: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request({ socketPath: tack.core.kubo.rpcSocket(), path, headers: { host: 'localhost' } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject).end()
  })

describe("Kubo's RPC is locked to Tack", () => {
  it('refuses a caller without the secret, or with a wrong one, and answers Tack', async () => {
    for (const path of ['id', 'config/show', 'pin/ls', 'shutdown', 'ID', '/id', 'id/../id']) {
      const res = await rpc(path)
      expect([401, 403], `${path} → ${res.status}`).toContain(res.status)
      expect(await res.text()).not.toContain('PrivKey')
    }
    expect([401, 403]).toContain((await rpc('id', 'Bearer wrong')).status)
    expect([401, 403]).toContain((await rpc('id', `Basic ${Buffer.from('tack:x').toString('base64')}`)).status)
    const secret = readFileSync(paths(dir.path).kuboApiSecret, 'utf8').trim()
    expect([401, 403]).toContain((await rpc('id', secret)).status) // the bare secret is not the header
    const ok = await rpc('id', `Bearer ${secret}`)
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { ID: string }).ID).toBe(tack.core.kubo.identity()!.ID)
    expect(tack.core.kubo.apiAuthorization()).toBe(`Bearer ${secret}`)
  })

  it('listens on a Unix socket inside the data dir, on no TCP port', async () => {
    // Kubo locks only /api/v0 with the secret; /debug/*, /logs and /webui answer whoever reaches the listener.
    const p = paths(dir.path)
    const socket = tack.core.kubo.rpcSocket()
    expect(socket).toBe(join(p.kuboRepo, 'rpc.sock'))
    expect(statSync(socket!).isSocket()).toBe(true)
    expect(statSync(dir.path).mode & 0o777).toBe(0o700)
    expect(readConfig(p.kuboRepo).Addresses?.API).toBe(`/unix${socket}`)
    expect(readFileSync(join(p.kuboRepo, 'api'), 'utf8').trim()).toBe(`/unix${socket}`)
    // Through the socket, this user reaches Kubo's unlocked handlers; over TCP nobody does: the port kept
    // for a TCP RPC (Windows only) has no listener.
    expect(await getThroughSocket('/debug/vars')).toBe(200)
    const reached = await new Promise<boolean>((resolve) => {
      const s = connect(tack.core.kubo.ports().api, '127.0.0.1')
      s.on('connect', () => (s.destroy(), resolve(true))).on('error', () => resolve(false))
    })
    expect(reached).toBe(false)
  })

  it('keeps the secret in a file only this user can read, and Kubo config too', () => {
    const p = paths(dir.path)
    expect(statSync(p.kuboApiSecret).mode & 0o777).toBe(0o600)
    expect(statSync(join(p.kuboRepo, 'config')).mode & 0o777).toBe(0o600)
    expect(readFileSync(p.kuboApiSecret, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it("refuses Kubo's CLI against Tack's repo unless it passes --api-auth", async () => {
    const env = kuboEnv(paths(dir.path).kuboRepo)
    const refused = await run(kuboBinary(), ['id', '-f', '<id>'], { env }).catch((err: { stderr: string }) => err)
    expect(String((refused as { stderr?: string }).stderr)).toMatch(/403|Access Denied|authoriz/i)
    const secret = readFileSync(paths(dir.path).kuboApiSecret, 'utf8').trim()
    const { stdout } = await run(kuboBinary(), ['--api-auth', `bearer:${secret}`, 'id', '-f', '<id>'], { env })
    expect(stdout.trim()).toBe(tack.core.kubo.identity()!.ID)
  })

  it('keeps Tack working: a pin through the PSA reaches pinned', async () => {
    const form = new FormData()
    form.append('file', new Blob([`locked ${Date.now()}`]))
    const added = await tack.core.kubo.client.call(
      'add',
      { 'cid-version': '1', pin: 'false', quiet: 'true' },
      { body: form },
    )
    const { Hash } = (await added.json()) as { Hash: string }
    const psa = psaClient(tack, tack.adminKey)
    const pin = await psa.add({ cid: Hash })
    expect((await psa.waitFor(pin.requestid, 'pinned')).status).toBe('pinned')
    expect(await tack.core.kubo.client.isPinned(Hash)).toBe(true)
  })

  it('uses the same secret after a restart, and still refuses strangers', async () => {
    const before = readFileSync(paths(dir.path).kuboApiSecret, 'utf8')
    await tack.stop()
    tack = await startTack({ dataDir: dir.path })
    expect(readFileSync(paths(dir.path).kuboApiSecret, 'utf8')).toBe(before)
    expect([401, 403]).toContain((await rpc('id')).status)
    expect((await rpc('id', tack.core.kubo.apiAuthorization())).status).toBe(200)
    expect((await tack.api('/api/status')).status).toBe(200)
  })
})

/** The loopback TCP ports a process listens on, as `ss` lists them. */
function tcpPortsOf(pid: number): number[] {
  const out = spawnSync('ss', ['-H', '-tlnp'], { encoding: 'utf8' })
  expect(out.status).toBe(0)
  return out.stdout
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => Number(line.trim().split(/\s+/)[3]!.split(':').pop()))
}

/** A GET on a loopback port without any secret, as any local user or a rebound web page could send it. */
const getOverTcp = (port: number, path: string) =>
  new Promise<number>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}` } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', () => resolve(0)).end()
  })

describe.skipIf(process.platform !== 'linux')('a data dir whose path is too long for a Unix socket', () => {
  // Over 104 bytes with the socket's name: the RPC used to fall back to a loopback port, where Kubo's
  // /debug/pprof and /debug/vars answer without the secret and to any Host.
  const root = tempDir()
  const long = join(root.path, 'a-data-dir-with-a-long-name-'.repeat(4))
  let deep: TestTack
  beforeAll(async () => {
    mkdirSync(long, { mode: 0o700 })
    expect(Buffer.byteLength(join(paths(long).kuboRepo, 'rpc.sock'))).toBeGreaterThan(104)
    deep = await startTack({ dataDir: long })
  })
  afterAll(async () => {
    await deep?.stop()
    root.remove()
  })

  it('leaves no Kubo port answering /debug/pprof or /debug/vars without the secret: the RPC is on a private socket', async () => {
    const kuboPorts = tcpPortsOf(deep.core.kubo.supervisor.pid!)
    expect(kuboPorts).toContain(deep.core.kubo.ports().swarm) // the listing sees Kubo's ports
    for (const port of kuboPorts)
      for (const path of ['/debug/vars', '/debug/pprof/', '/debug/pprof/goroutine?debug=1', '/api/v0/id'])
        expect(await getOverTcp(port, path), `${port}${path}`).not.toBe(200)

    const socket = deep.core.kubo.rpcSocket()!
    expect(socket).toBeDefined()
    expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(104)
    expect(statSync(socket).isSocket()).toBe(true)
    // Its own directory, this user's alone: nobody else can connect to the socket.
    const dir = dirname(socket)
    expect(dir.startsWith(long)).toBe(false)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(dir).uid).toBe(process.getuid!())
    expect(readConfig(paths(long).kuboRepo).Addresses?.API).toBe(`/unix${socket}`)
    // Kubo's gateway is in the same directory (tests/kubo-gateway-lock.test.ts), on no port.
    const gatewaySocket = deep.core.kubo.gatewaySocket()!
    expect(gatewaySocket).toBe(join(dir, 'gateway.sock'))
    expect(statSync(gatewaySocket).isSocket()).toBe(true)
    expect(readConfig(paths(long).kuboRepo).Addresses?.Gateway).toBe(`/unix${gatewaySocket}`)

    // Tack still works through it: its secret opens the RPC, and a PSA pin reaches pinned.
    expect((await deep.core.kubo.client.id()).ID).toBe(deep.core.kubo.identity()!.ID)
    const form = new FormData()
    form.append('file', new Blob([`long data dir ${Date.now()}`]))
    const added = await deep.core.kubo.client.call(
      'add',
      { 'cid-version': '1', pin: 'false', quiet: 'true' },
      { body: form },
    )
    const { Hash } = (await added.json()) as { Hash: string }
    const psa = psaClient(deep, deep.adminKey)
    const pin = await psa.add({ cid: Hash })
    expect((await psa.waitFor(pin.requestid, 'pinned')).status).toBe('pinned')
    // Tack's gateway reads it from Kubo's gateway through that socket; no Kubo port serves it.
    const served = await fetch(`${deep.url}/api/gateway/${Hash}`)
    expect(await served.text()).toMatch(/^long data dir \d+$/)
    for (const port of kuboPorts) expect(await getOverTcp(port, `/ipfs/${Hash}`), `${port}`).not.toBe(200)
  })

  it('removes that directory when Tack stops, and makes a new one at the next start', async () => {
    const before = dirname(deep.core.kubo.rpcSocket()!)
    await deep.stop()
    expect(existsSync(before)).toBe(false)
    deep = await startTack({ dataDir: long })
    const after = dirname(deep.core.kubo.rpcSocket()!)
    expect(after).not.toBe(before)
    expect(statSync(after).mode & 0o777).toBe(0o700)
    expect((await deep.api('/api/status')).status).toBe(200)
  })

  it('removes the directory a killed run left, at the next start', async () => {
    await deep.stop()
    const serve = await spawnServe(long)
    const api = readConfig(paths(long).kuboRepo).Addresses?.API as string
    const left = dirname(api.slice('/unix'.length))
    expect(existsSync(left)).toBe(true)
    serve.child.kill('SIGKILL')
    await serve.exited
    await waitFor(() => kuboPidsFor(paths(long).kuboRepo).length === 0, 'Kubo to end with the killed serve')
    expect(existsSync(left)).toBe(true) // nothing ran stop()
    deep = await startTack({ dataDir: long })
    expect(existsSync(left)).toBe(false)
    expect(existsSync(dirname(deep.core.kubo.rpcSocket()!))).toBe(true)
  })
})
