// How many uploads one credential may have in flight at once (config.maxUploadsPerKey). A stalled upload
// holds a slot for as long as its client keeps the connection open, and every one holds an object in the
// store and a pending row: without a cap, one files:write key could open hundreds and fill memory and disk.
import { CoreError } from '../errors.js'

export interface UploadSlots {
  /** Takes a slot for `holder` (a key id or a session); throws TOO_MANY_UPLOADS when it has none left. The
   *  returned function gives the slot back (once, however often it is called). */
  take(holder: string): () => void
  /** Slots in use by `holder`. */
  inUse(holder: string): number
}

export function createUploadSlots(max: number): UploadSlots {
  const used = new Map<string, number>()
  return {
    take(holder) {
      const n = used.get(holder) ?? 0
      if (n >= max)
        throw new CoreError(
          'TOO_MANY_UPLOADS',
          `this key has ${max} uploads in progress, the most it may have at once (TACK_MAX_UPLOADS_PER_KEY); ` +
            'send the next once one has finished',
        )
      used.set(holder, n + 1)
      let given = false
      return () => {
        if (given) return
        given = true
        const left = (used.get(holder) ?? 1) - 1
        if (left > 0) used.set(holder, left)
        else used.delete(holder)
      }
    },
    inUse: (holder) => used.get(holder) ?? 0,
  }
}
