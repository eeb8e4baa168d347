// Uploads as pin objects. When the files domain has pinned an uploaded CID in Kubo (on first access, or at
// once with ?pin=true), the upload also becomes a pin object of its account, named after the file, so
// `ipfs pin remote ls` lists it. Its bytes are already charged to the account as an upload, and Kubo holds
// it already, so no quota check and no queue: the object is born `pinned`. Owned by the files engineer.
import type { EventBus } from '../events.js'
import type { Db } from '../db/index.js'
import { parseCid } from '../cid/index.js'
import type { Pins } from './index.js'
import { createPinStore, type PinRecord } from './store.js'

/** meta.source on the pin objects made here, so they can be told from the account's own PSA pins. */
export const UPLOAD_META = { source: 'tack-upload' } as const

export interface UploadPins {
  /** The account's upload pin object for this CID, made pinned if it has none; idempotent. */
  record(input: { accountId: number; cid: string; name: string; size: number }): PinRecord
  /** Removes the account's upload pin objects for this CID (the account's own PSA pins stay). */
  remove(accountId: number, cid: string): void
}

export function createUploadPins(deps: { db: Db; events: EventBus; pins: Pick<Pins, 'remove'> }): UploadPins {
  const store = createPinStore(deps.db)
  const find = (accountId: number, multihash: string) =>
    store.list(accountId, {
      statuses: ['queued', 'pinning', 'pinned', 'failed'],
      multihashes: [multihash],
      meta: { ...UPLOAD_META },
      match: 'exact',
      limit: 1000,
    }).results
  return {
    record({ accountId, cid, name, size }) {
      const parsed = parseCid(cid)
      const existing = find(accountId, parsed.multihash)[0]
      if (existing) return existing
      const record = store.transaction(() => {
        // The ledger says Kubo holds this for the pins domain too, so a later unpin goes through its refcount.
        store.ledger.add(parsed.multihash, cid)
        return store.insert({
          accountId,
          input: { cid: parsed, name: name || undefined, origins: [], meta: { ...UPLOAD_META } },
          status: 'pinned',
          deadline: Date.now(),
          dagSize: size,
          info: { dag_size: String(size) },
        })
      })
      deps.events.publish({
        type: 'pin',
        accountId,
        requestid: record.requestid,
        status: record.status,
        cid,
        name: record.name,
      })
      return record
    },
    remove(accountId, cid) {
      for (const r of find(accountId, parseCid(cid).multihash)) deps.pins.remove(accountId, r.requestid)
    },
  }
}
