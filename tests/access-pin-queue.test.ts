// Pins asked for by first reads through the gateway wait their turn (TACK_ACCESS_PIN_JOBS, default 1) instead
// of each starting its own Kubo add at once; the queued ones are `pinning` from the start, so a stop before
// their turn leaves them for the next start, which pins them. Real Kubo, MinIO and SQLite.
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { waitFor } from './fixtures/processes.js'
import { tempDir } from './fixtures/tmp.js'

const COUNT = 24
let tack: TestTack | undefined
const dirs: Array<{ remove(): void }> = []

afterEach(async () => {
  await tack?.destroy()
  tack = undefined
  for (const d of dirs.splice(0)) d.remove()
})

async function uploadSmall(t: TestTack, count: number): Promise<string[]> {
  const cids: string[] = []
  for (let i = 0; i < count; i++) {
    const res = await t.api(`/api/files?name=small-${i}.bin`, { method: 'PUT', body: randomBytes(4096) })
    expect(res.status).toBe(201)
    cids.push(((await res.json()) as { cid: string }).cid)
  }
  return cids
}

const stateOf = (t: TestTack, cid: string) => t.core.files.repo.stateOf(cid)

describe('pins asked for by first reads', () => {
  it('run one at a time, all queued ones marked pinning at once, and all end pinned', async () => {
    tack = await startTack()
    const t = tack
    const cids = await uploadSmall(t, COUNT)
    expect(cids.every((c) => stateOf(t, c) === 'stored')).toBe(true)

    let most = 0
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        most = Math.max(most, t.core.files.pinner.jobs().length)
        await new Promise((r) => setImmediate(r))
      }
    })()
    const reads = await Promise.all(cids.map((c) => fetch(`${t.url}/api/gateway/${c}`).then((r) => r.arrayBuffer())))
    expect(reads.every((b) => b.byteLength === 4096)).toBe(true)
    // Every read is answered; the pins they asked for are queued (not yet run) and already say so.
    await waitFor(() => cids.every((c) => stateOf(t, c) !== 'stored'), 'every read pin queued', 5_000)
    await waitFor(() => cids.every((c) => stateOf(t, c) === 'pinned'), 'every upload pinned', 60_000)
    sampling = false
    await sampler
    expect(most).toBe(1)
    // Pinned means in Kubo: each is read back through Kubo's own pin list.
    const pins = await t.core.kubo.client.pinLsRecursive()
    for (const c of cids) expect(pins).toContain(c)
  })

  it('left queued by a stop, are pinned by the next start', async () => {
    const dir = tempDir()
    dirs.push(dir)
    tack = await startTack({ dataDir: dir.path })
    const first = tack
    const cids = await uploadSmall(first, COUNT)
    await Promise.all(cids.map((c) => fetch(`${first.url}/api/gateway/${c}`).then((r) => r.arrayBuffer())))
    await waitFor(() => cids.every((c) => stateOf(first, c) !== 'stored'), 'every read pin queued', 5_000)
    // Some are still waiting their turn when it stops.
    expect(cids.filter((c) => stateOf(first, c) === 'pinning').length).toBeGreaterThan(1)
    await first.stop()
    tack = undefined
    tack = await startTack({ dataDir: dir.path })
    const second = tack
    await waitFor(() => cids.every((c) => stateOf(second, c) === 'pinned'), 'every upload pinned after the restart', 60_000)
  })
})
