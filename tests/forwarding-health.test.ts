// Forwarding health as people read it: since when a target fails (kept by the server, the same at every
// read), why in words, the state per pin, `tack status` degraded past a threshold, and `tack remote list`
// with reachability. A real core with a real Kubo; the failing target is a closed loopback port.
import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { json } from './fixtures/http.js'
import { holdsFor } from './fixtures/poll.js'
import { waitFor } from './fixtures/processes.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
const THRESHOLD_MS = 6000

let tack: TestTack
let answering: Server

beforeAll(async () => {
  tack = await startTack({ config: { remotePollMs: 200, remoteFailThresholdMs: THRESHOLD_MS } })
  // A target that answers (it refuses every pin with a 400: reachable, the pin is its business).
  answering = createServer((req, res) => {
    req.resume()
    res.writeHead(400, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: { reason: 'BAD_REQUEST' } }))
  })
  await new Promise<void>((resolve) => answering.listen(0, '127.0.0.1', resolve))
})

afterAll(async () => {
  answering?.close()
  await tack?.destroy()
})

async function tackCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/tack.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, TACK_DATA_DIR: tack.dataDir },
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as AddressInfo
  await new Promise((resolve) => s.close(resolve))
  return port
}

interface Target {
  name: string
  reachable: boolean
  lastError: string | null
  failingSince: string | null
}
const target = async (name: string) =>
  ((await json(await tack.api('/api/remotes'))).results as Target[]).find((r) => r.name === name)
const addTarget = (name: string, url: string) =>
  tack.api('/api/remotes', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, kind: 'psa', url, token: 't' }),
  })

describe('forwarding health', () => {
  it('status is healthy (exit 0) while no target fails', async () => {
    const status = await tackCli('status')
    expect(status.code, status.stderr).toBe(0)
    expect(JSON.parse(status.stdout).components.forwarding.health).toBe('ok')
  })

  it('a failing target: failingSince kept by the server, a reason in words, the state per pin, status degraded past the threshold', async () => {
    const { port } = answering.address() as AddressInfo
    expect((await addTarget('answers', `http://127.0.0.1:${port}/api`)).status).toBe(201)
    expect((await addTarget('down', `http://127.0.0.1:${await closedPort()}/api`)).status).toBe(201)
    const pin = await json(
      await tack.api('/api/pinning/pins', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cid: 'bafkqaaa', name: 'inline' }),
      }),
    )
    const first = await waitFor(async () => {
      const t = await target('down')
      return t?.failingSince ? t : undefined
    }, 'the target to be seen failing')
    expect(first.reachable).toBe(false)
    expect(first.lastError).toBe('nothing answers at that address (connection refused)')
    // The server's time, the same at every read while the outage lasts (not when a reader first looked).
    await holdsFor(async () => (await target('down'))?.failingSince === first.failingSince, 'failingSince stays', 1500)
    expect(Date.parse(first.failingSince!)).toBeLessThanOrEqual(Date.now())

    // The pin says where it stands at each target.
    const seen = await waitFor(async () => {
      const p = await json(await tack.api(`/api/pinning/pins/${pin.requestid}`))
      return p.info?.['remote.down.details'] && p.info?.['remote.answers'] ? p : undefined
    }, 'per-target state in the pin')
    expect(seen.info['remote.down.details']).toBe('down unreachable; retrying')
    expect(seen.info['remote.answers']).toBe('failed')

    // `tack remote list`: the answering target reachable, the other unreachable since when, and why.
    const list = await tackCli('remote', 'list')
    expect(list.code, list.stderr).toBe(0)
    const line = (name: string) => list.stdout.split('\n').find((l) => l.startsWith(`${name}\t`)) ?? ''
    expect(line('answers')).toMatch(/\treachable$/)
    expect(line('down')).toMatch(/\tunreachable since .+ \(\d+ (s|min) ago\): nothing answers at that address \(connection refused\)$/)

    // Failing for less than the threshold: still healthy.
    const early = await tackCli('status')
    if (Date.now() - Date.parse(first.failingSince!) < THRESHOLD_MS) expect(early.code, early.stderr).toBe(0)

    // Past it: degraded, exit 1, and the reason on stderr.
    const late = await waitFor(async () => {
      const s = await tackCli('status')
      return s.code === 1 ? s : undefined
    }, 'tack status to report degraded', 30_000)
    expect(Date.now() - Date.parse(first.failingSince!)).toBeGreaterThan(THRESHOLD_MS)
    expect(JSON.parse(late.stdout).components.forwarding.health).toBe('degraded')
    expect(late.stderr).toContain('forwarding degraded: down unreachable since')
    expect(late.stderr).toContain('connection refused')

    // The failing target gone: healthy again.
    expect((await tack.api('/api/remotes/down', { method: 'DELETE' })).status).toBe(204)
    const after = await tackCli('status')
    expect(after.code, after.stderr).toBe(0)
  })

  it('remote list without a running server says reachability is unknown', async () => {
    await tack.stop()
    const list = await tackCli('remote', 'list')
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toMatch(/^answers\t.*\treachability unknown \(Tack is not running\)$/m)
  })
})
