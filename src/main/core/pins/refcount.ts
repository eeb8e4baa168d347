// Reference counting of content across all pin objects of all accounts, by multihash. Kubo has one pin per
// CID and no counts, so Tack keeps them: a pin object (not failed) is a reference, and so is a replacement
// still settling for the content it replaced. Kubo unpins only when the last reference goes. Pinning and
// unpinning one multihash are serialised, so an unpin never races a pin of the same content.
import type { KuboClient } from '../kubo/client.js'
import type { Logger } from '../log.js'
import { canonicalCid } from '../cid/index.js'
import type { PinStore } from './store.js'

export interface KeyedLock {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>
}

export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>()
  return {
    run(key, fn) {
      const previous = tails.get(key) ?? Promise.resolve()
      const result = previous.then(fn, fn)
      const tail = result.catch(() => {})
      tails.set(key, tail)
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key)
      })
      return result
    },
  }
}

export interface Releaser {
  /** Unpins the content from Kubo if no pin object needs it any more. Never throws. */
  release(multihash: string): Promise<void>
}

export function createReleaser(init: {
  store: PinStore
  kubo: Pick<KuboClient, 'pinRm'>
  lock: KeyedLock
  log: Logger
  /** Another domain (uploads) holding the same content in Kubo: then only our ledger entry goes. */
  heldElsewhere?: (multihash: string) => boolean
}): Releaser {
  const { store, lock, log } = init
  return {
    release: (multihash) =>
      lock
        .run(multihash, async () => {
          if (store.references(multihash) > 0) return
          const cid = store.ledger.get(multihash)
          if (!cid) return
          if (!init.heldElsewhere?.(multihash)) await init.kubo.pinRm(canonicalCid(cid))
          // Fetches wait for this lock, but an upload's record (uploads.ts) or a POST of content already held
          // does not: a reference made during the await keeps the ledger entry, so the next start checks the
          // content against Kubo and pins it again if the unpin took it.
          if (store.references(multihash) > 0) {
            log.warn('content was referenced again while it was being unpinned; kept in the ledger', { cid })
            return
          }
          store.ledger.remove(multihash)
          log.debug('unpinned', { cid })
        })
        .catch((err: unknown) => {
          // The ledger entry stays; the next start's reconciliation unpins it.
          log.warn('unpin failed; will retry at next start', { multihash, error: String(err) })
        }),
  }
}
