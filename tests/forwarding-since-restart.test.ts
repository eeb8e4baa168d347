// Since when a forwarding target fails survives a restart of the core: a real core on a kept data dir, a
// target at a loopback port nothing listens on. Restarted while the target is down, the same failingSince is
// reported (not the time of the restart); once the target answers it is cleared, and a restart keeps it clear.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { json } from './fixtures/http.js'
import { holdsFor } from './fixtures/poll.js'
import { waitFor } from './fixtures/processes.js'
import { tempDir } from './fixtures/tmp.js'

interface Target {
  name: string
  reachable: boolean
  failingSince: string | null
}

const dir = tempDir()
let tack: TestTack | undefined
let answering: Server | undefined

afterAll(async () => {
  answering?.close()
  await tack?.stop()
  dir.remove()
})

const start = () => startTack({ dataDir: dir.path, config: { remotePollMs: 200 } })
const target = async () =>
  ((await json(await tack!.api('/api/remotes'))).results as Target[]).find((r) => r.name === 'lab')

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as AddressInfo
  await new Promise((resolve) => s.close(resolve))
  return port
}

describe('failingSince across a restart', () => {
  it('keeps since when a target fails over a restart, and clears it for good once the target answers', async () => {
    const port = await closedPort()
    tack = await start()
    const added = await tack.api('/api/remotes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'lab', kind: 'psa', url: `http://127.0.0.1:${port}/api`, token: 't' }),
    })
    expect(added.status).toBe(201)
    const pinned = await tack.api('/api/pinning/pins', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cid: 'bafkqaaa', name: 'inline' }),
    })
    expect(pinned.status).toBe(202)
    const first = await waitFor(async () => (await target())?.failingSince ?? undefined, 'the target to fail')

    await tack.stop()
    tack = await start()
    // Restarted, still down: the outage began when it did, not at this start (each probe fails again).
    const again = await waitFor(async () => (await target())?.failingSince ?? undefined, 'failingSince after restart')
    expect(again).toBe(first)
    await holdsFor(async () => (await target())?.failingSince === first, 'failingSince stays across probes', 1500)
    expect((await target())?.reachable).toBe(false)

    // The target answers (it refuses the pin: reachable all the same): cleared, and a restart keeps it clear.
    answering = createServer((req, res) => {
      req.resume()
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { reason: 'BAD_REQUEST' } }))
    })
    await new Promise<void>((resolve) => answering!.listen(port, '127.0.0.1', resolve))
    await waitFor(async () => ((await target())?.reachable ? true : undefined), 'the target to answer', 30_000)
    expect((await target())?.failingSince).toBeNull()
    await tack.stop()
    tack = await start()
    await holdsFor(async () => (await target())?.failingSince === null, 'no outage after the restart', 1500)
  })
})
