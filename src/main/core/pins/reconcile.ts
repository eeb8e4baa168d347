// At start, before the worker runs: make SQLite and Kubo's pinset agree. Content Kubo holds for pin objects
// that are gone is unpinned (a crash between deleting an object and unpinning leaves exactly that), and a
// `pinned` object whose content Kubo lacks goes back to the queue with a fresh deadline.
import type { KuboClient } from '../kubo/client.js'
import type { Logger } from '../log.js'
import { multihashOf } from './cid.js'
import type { Releaser } from './refcount.js'
import type { PinStore } from './store.js'

export interface ReconcileResult {
  unpinned: number
  requeued: number
}

export async function reconcile(init: {
  store: PinStore
  kubo: Pick<KuboClient, 'pinLsRecursive'>
  releaser: Releaser
  timeoutMs: number
  log: Logger
}): Promise<ReconcileResult> {
  const { store, log } = init
  const held = new Set<string>()
  for (const cid of await init.kubo.pinLsRecursive()) {
    const mh = multihashOf(cid)
    if (mh) held.add(mh)
  }
  let unpinned = 0
  for (const entry of store.ledger.all()) {
    if (store.references(entry.multihash) > 0) continue
    await init.releaser.release(entry.multihash)
    unpinned++
  }
  let requeued = 0
  for (const record of store.pinnedRecords()) {
    // Identity CIDs (multihash code 0x00) carry their data inline: Kubo need not hold anything.
    if (record.multihash.startsWith('00') || held.has(record.multihash)) continue
    store.update(record.requestid, {
      status: 'queued',
      deadline: Date.now() + init.timeoutMs,
      info: { status_details: 'Kubo no longer held this content at start; pinning it again' },
    })
    requeued++
  }
  if (unpinned || requeued) log.info('reconciled with Kubo', { unpinned, requeued })
  return { unpinned, requeued }
}
