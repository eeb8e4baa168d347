// At start: make SQLite and Kubo's pinset agree. Content Kubo holds for pin objects that are gone is unpinned
// (a crash between deleting an object and unpinning leaves exactly that), and a `pinned` object whose
// content Kubo lacks goes back to the queue with a fresh deadline. Neither loads every pin object: orphans
// are found by one query over the ledger, and pinned objects are walked a page at a time, yielding between
// pages, so this can run after the API is up without holding the event loop (17 s at 1M pins before).
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { KuboClient } from '../kubo/client.js'
import type { Logger } from '../log.js'
import { multihashOf } from './cid.js'
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
  let after = 0
  for (;;) {
    if (init.signal?.aborted) break
    const page = store.pinnedBatch(after, PAGE)
    if (!page.length) break
    after = page.at(-1)!.id
    const info = { status_details: 'Kubo no longer held this content at start; pinning it again' }
    // Identity CIDs (multihash code 0x00) carry their data inline: Kubo need not hold anything.
    const lost = page.filter((p) => !p.multihash.startsWith('00') && !held.has(p.multihash))
    if (lost.length)
      store.transaction(() => {
        for (const p of lost) if (store.requeue(p.requestid, Date.now() + init.timeoutMs, info)) requeued++
      })
    await yieldToLoop()
  }
  return requeued
}
