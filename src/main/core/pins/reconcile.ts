// At start: make SQLite and Kubo's pinset agree. Content Kubo holds for pin objects that are gone is unpinned
// (a crash between deleting an object and unpinning leaves exactly that), and `pinned` objects whose content
// Kubo lacks go back to the queue with a fresh deadline. Neither walks the pin objects: every pinned content
// but identity CIDs (which Kubo need not hold) has a ledger entry, written before Kubo pins it, so orphans are
// one query over the ledger and lost content is a paged walk of the ledger (distinct content, not objects),
// yielding between pages. Walking the pinned objects instead cost ~1 s of CPU at 1M pins right after start,
// which slowed the first requests the API answered (seen in the listing bench).
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { KuboClient } from '../kubo/client.js'
import type { Logger } from '../log.js'
import { multihashOf } from '../cid/index.js'
import type { Releaser } from './refcount.js'
import type { PinStore } from './store.js'

export interface ReconcileInit {
  store: PinStore
  kubo: Pick<KuboClient, 'pinLsRecursive'>
  releaser: Releaser
  timeoutMs: number
  log: Logger
  /** Stops a walk that is still running (Tack is stopping). */
  signal?: AbortSignal
}

const PAGE = 2000

/** Unpins ledger entries no pin object references any more; returns how many. */
export async function releaseOrphans(init: Pick<ReconcileInit, 'store' | 'releaser'>): Promise<number> {
  const orphans = init.store.orphans()
  for (const multihash of orphans) await init.releaser.release(multihash)
  return orphans.length
}

/** Puts `pinned` objects whose content Kubo does not hold back in the queue; returns how many. */
export async function requeueLost(init: ReconcileInit): Promise<number> {
  const { store } = init
  const held = new Set<string>()
  for (const cid of await init.kubo.pinLsRecursive()) {
    const mh = multihashOf(cid)
    if (mh) held.add(mh)
  }
  let requeued = 0
  let after = ''
  const info = { status_details: 'Kubo no longer held this content at start; pinning it again' }
  for (;;) {
    if (init.signal?.aborted) break
    const page = store.ledger.batch(after, PAGE)
    if (!page.length) break
    after = page.at(-1)!
    const lost = page.filter((multihash) => !held.has(multihash))
    if (lost.length)
      store.transaction(() => {
        for (const multihash of lost) requeued += store.requeue(multihash, Date.now() + init.timeoutMs, info)
      })
    await yieldToLoop()
  }
  return requeued
}
