// Kubo's own gateway answers Tack alone: it listens on a Unix socket in the repo's private directory, so no
// TCP port of Tack's Kubo serves what the node holds (content an account pinned, or blocks of deleted
// content until GC) to another local user or a rebound web page, whatever the Host. Tack's gateway still
// serves that content, read from Kubo through the socket (the large reads through the byte relay:
// tests/gateway-relay.test.ts).
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { request } from 'node:http'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readConfig } from '../src/main/core/kubo/repo.js'
import { paths } from '../src/main/core/state.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { psaClient } from './fixtures/psa.js'

let tack: TestTack
const content = randomBytes(10_000)
let cid: string

beforeAll(async () => {
  tack = await startTack()
  const form = new FormData()
  form.append('file', new Blob([content]))
  const added = await tack.core.kubo.client.call('add', { 'cid-version': '1', pin: 'false', quiet: 'true' }, { body: form })
  cid = ((await added.json()) as { Hash: string }).Hash
  const psa = psaClient(tack, tack.adminKey)
  const pin = await psa.add({ cid })
  expect((await psa.waitFor(pin.requestid, 'pinned')).status).toBe('pinned')
})
afterAll(async () => {
  await tack?.destroy()
})

/** The TCP ports a process listens on, as `ss` lists them. */
function tcpPortsOf(pid: number): number[] {
  const out = spawnSync('ss', ['-H', '-tlnp'], { encoding: 'utf8' })
  expect(out.status).toBe(0)
  return out.stdout
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => Number(line.trim().split(/\s+/)[3]!.split(':').pop()))
}

/** A GET as any local program could send it: the body, or empty when nothing HTTP answers in time. */
const get = (options: { port?: number; socketPath?: string; path: string; host: string }) =>
  new Promise<Buffer>((resolve) => {
    const { host, ...where } = options
    const req = request({ ...where, host: '127.0.0.1', headers: { host } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve(Buffer.concat(chunks)))
      res.on('error', () => resolve(Buffer.concat(chunks)))
    })
    // A port that speaks no HTTP (the swarm's libp2p) may keep the connection open without an answer.
    req.setTimeout(5_000, () => req.destroy())
    req.on('error', () => resolve(Buffer.alloc(0))).end()
  })

describe.runIf(process.platform === 'linux')("Kubo's gateway on no TCP port", () => {
  it('serves no pinned content on any TCP port of Kubo, with any Host, whole or as a raw block', async () => {
    const ports = tcpPortsOf(tack.core.kubo.supervisor.pid!)
    expect(ports).toContain(tack.core.kubo.ports().swarm) // the listing sees Kubo's ports
    for (const port of ports)
      for (const host of [`127.0.0.1:${port}`, 'localhost', `localhost:${port}`, 'example.com', `${cid}.ipfs.localhost`])
        for (const path of [`/ipfs/${cid}`, `/ipfs/${cid}?format=raw`, `/ipfs/${cid}?format=car`]) {
          const body = await get({ port, path, host })
          expect(body.includes(content.subarray(0, 64)), `${port} ${host} ${path}`).toBe(false)
        }
  })
})

describe.runIf(process.platform !== 'win32')("Kubo's gateway on a Unix socket", () => {
  it('listens beside the RPC socket, in the 0700 data dir, and serves Tack there', async () => {
    const p = paths(tack.dataDir)
    const socket = tack.core.kubo.gatewaySocket()!
    expect(socket).toBe(join(p.kuboRepo, 'gateway.sock'))
    expect(dirname(socket)).toBe(dirname(tack.core.kubo.rpcSocket()!))
    expect(statSync(socket).isSocket()).toBe(true)
    expect(statSync(tack.dataDir).mode & 0o777).toBe(0o700)
    expect(readConfig(p.kuboRepo).Addresses?.Gateway).toBe(`/unix${socket}`)
    expect(tack.core.kubo.ports().gateway).toBe(0)
    // This user (Tack) reaches it through the socket.
    const body = await get({ socketPath: socket, path: `/ipfs/${cid}`, host: '127.0.0.1' })
    expect(body.equals(content)).toBe(true)
  })

  it("serves the pinned content through Tack's own gateway, whole and by range", async () => {
    const url = `${tack.url}/api/gateway/${cid}`
    const whole = await fetch(url)
    expect(whole.status).toBe(200)
    expect(Buffer.from(await whole.arrayBuffer()).equals(content)).toBe(true)
    const part = await fetch(url, { headers: { range: 'bytes=100-199' } })
    expect(part.status).toBe(206)
    expect(Buffer.from(await part.arrayBuffer()).equals(content.subarray(100, 200))).toBe(true)
    const raw = await fetch(`${url}?format=raw`)
    expect(raw.status).toBe(200)
  })
})
