// Where an upload's bytes live: one copy of every byte (issue 26).
//
// A blob's bytes are "covered by Kubo" while a public (non-private) file record of its CID, or a public folder
// record that has it as an entry, is pinned in Kubo (files.state = 'pinned'; a pin is recursive, so a
// folder's pin holds its entries' blocks). A covered blob needs no object of its own: blobs.location says
// 'kubo' and the object goes. Everything else (uploads waiting for on-demand pinning, private files, CAR
// staging) stays in the object store ('store').
//
// Every move is two durable steps around one SQLite transaction, so kill -9 at any point leaves either the
// old place or the new one, and the next start finishes the rest:
// - evict (store → kubo), after the pinner pinned a root and Kubo computed its CID from the same bytes: one
//   transaction marks the covered blobs 'kubo' and queues their objects in pending_uploads; then the objects
//   are removed and the queue entries cleared. A kill leaves queued keys, which the start's sweep removes.
// - copy back (kubo → store), before anything of Tack's unpins in Kubo (every pinRm goes through
//   keepingBytes() below): each 'kubo' blob no pinned record covers any more is read from Kubo into a fresh
//   object registered in pending_uploads; one transaction points the blob at it ('store') and clears the
//   entry; only then is the pin removed. A kill before the transaction leaves a pending object (swept) and
//   Kubo still pinned, so the next unpin copies again; the pin is never removed before the copy is committed.
// The start's reconcile() evicts every covered blob still in the store whose covering root Kubo really pins
// (checked against `pin ls`, never assumed): the same step migrates a data dir written before this module,
// in batches that each commit, so it resumes where a kill stopped it; its progress is logged and shown in
// /api/status (`migration`).
import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { multihashOfCid } from '../cid/index.js'
import type { Db } from '../db/index.js'
import { CoreError } from '../errors.js'
import type { KuboClient } from '../kubo/client.js'
import type { Logger } from '../log.js'
import type { ObjectStore } from '../object-store/store.js'
import type { BlobRow, FilesRepo } from './repo.js'
import { discard } from './upload.js'

/** A blob whose bytes a pinned public record holds in Kubo (see the top of this file). */
const COVERED = `(EXISTS (SELECT 1 FROM files f WHERE f.cid = b.cid AND f.private = 0 AND f.state = 'pinned')
  OR EXISTS (SELECT 1 FROM dir_entries e JOIN files d ON d.cid = e.dir_cid
              WHERE e.cid = b.cid AND d.private = 0 AND d.state = 'pinned'))`
/** The longest a read holds back its object's removal: a reader who stalls longer reads it from Kubo next time. */
const READ_HOLD_MS = 15 * 60 * 1000
/** Blobs per transaction while the start's reconciliation evicts (a migration may have many). */
const BATCH = 200

export interface PlacementDeps {
  db: Db
  repo: FilesRepo
  store: ObjectStore
  kubo: Pick<KuboClient, 'call' | 'pinLsRecursive'>
  /** Whether a pin object (PSA) keeps this content in Kubo: then Kubo keeps its bytes whatever uploads do. */
  pinnedElsewhere?(multihash: string): boolean
  log: Logger
}

export interface Placement {
  /** A blob's bytes, from wherever they are (the inclusive range [start, end] of them); from Kubo, a file's
   *  content even when the blob was a CAR upload (its DAG is that file). */
  read(blob: BlobRow, range?: { start: number; end: number }): Promise<Readable>
  /** After `root` was pinned and verified: the objects of the blobs it covers go (once nobody reads them). */
  evict(root: string): Promise<void>
  /**
   * A read of this object begins (the gateway, which found the blob in the store): an eviction meanwhile
   * leaves the object until the returned release is called (or READ_HOLD_MS passed). Without it, a read
   * that found the bytes in the store could ask for them just after the pin job removed them (seen: a 503
   * in tests/one-copy-crash.test.ts when a resumed job ended during a read).
   */
  holdForRead(key: string): () => void
  /** Before Kubo drops a pin: bytes only Kubo holds that no pinned record covers come back to the store. */
  keepBeforeUnpin(): Promise<void>
  /** At start: evicts every covered blob still in the store (the migration of an older data dir). */
  reconcile(): Promise<void>
  /** The start's eviction pass: blobs done of those it found (0 of 0 when there was nothing to move). */
  progress(): { done: number; total: number; running: boolean }
  stop(): Promise<void>
}

export function createPlacement(deps: PlacementDeps): Placement {
  const { db, repo, store, log } = deps
  const progress = { done: 0, total: 0, running: false }
  let stopping = false
  let reconciling: Promise<void> | undefined
  // Copy-backs one at a time: two unpins at once must not copy the same blob twice.
  let copying: Promise<void> = Promise.resolve()

  /** One transaction: the covered ones of these blobs become 'kubo', their objects queued for removal. */
  const markInKubo = (cids: string[]): string[] =>
    repo.transaction(() => {
      const keys: string[] = []
      const mark = db.prepare(
        `UPDATE blobs AS b SET location = 'kubo' WHERE b.cid = ? AND b.location = 'store' AND ${COVERED}
         RETURNING object_key`,
      )
      for (const cid of cids) {
        const row = mark.get(cid) as { object_key: string } | undefined
        if (!row) continue
        repo.addPending(row.object_key)
        keys.push(row.object_key)
      }
      return keys
    })

  /** Objects being read now (how many reads each), and those whose removal waits for their readers. */
  const readers = new Map<string, number>()
  const removeAfterReads = new Set<string>()

  async function evictBlobs(cids: string[]): Promise<number> {
    const keys = markInKubo(cids)
    // Still queued in pending_uploads: a kill before the last reader ends leaves them for the next start.
    for (const key of keys) if (readers.has(key)) removeAfterReads.add(key)
    await discard(
      { repo, store },
      keys.filter((k) => !readers.has(k)),
    )
    return keys.length
  }

  function holdForRead(key: string): () => void {
    readers.set(key, (readers.get(key) ?? 0) + 1)
    let held = true
    const release = () => {
      if (!held) return
      held = false
      clearTimeout(timer)
      const left = (readers.get(key) ?? 1) - 1
      if (left > 0) return void readers.set(key, left)
      readers.delete(key)
      if (removeAfterReads.delete(key))
        void discard({ repo, store }, [key]).catch((err: unknown) =>
          log.warn('could not remove an object Kubo now holds', { key, error: String(err) }),
        )
    }
    const timer = setTimeout(release, READ_HOLD_MS)
    timer.unref()
    return release
  }

  async function copyBack(blob: BlobRow): Promise<void> {
    const key = `uploads/${randomUUID()}`
    repo.addPending(key)
    const writer = store.writer(key)
    let size = 0
    try {
      for await (const chunk of await fromKubo(blob, undefined, blob.format === 'car')) {
        size += (chunk as Uint8Array).length
        await writer.write(chunk as Uint8Array)
      }
      await writer.finish()
      if (blob.format !== 'car' && size !== blob.size)
        throw new CoreError('CONFLICT', `Kubo gave ${size} of the ${blob.size} bytes of ${blob.cid}`)
    } catch (err) {
      await discard({ repo, store }, [key], [writer])
      throw err
    }
    const moved = repo.transaction(() => {
      const changed = db
        .prepare("UPDATE blobs SET object_key = ?, size = ?, location = 'store' WHERE cid = ? AND location = 'kubo'")
        .run(key, size, blob.cid).changes
      if (changed) repo.removePending(key)
      return changed > 0
    })
    if (!moved) await discard({ repo, store }, [key])
    else log.info('copied bytes back from Kubo before an unpin', { cid: blob.cid, bytes: size })
  }

  /** A blob's content by `cat`, or (`car`: a CAR upload copied back) Kubo's CAR of the same DAG. Never fetches. */
  async function fromKubo(blob: BlobRow, range?: { start: number; end: number }, car = false): Promise<Readable> {
    const res = car
        ? await deps.kubo.call('dag/export', { arg: blob.cid, progress: 'false', offline: 'true' })
        : await deps.kubo.call('cat', {
            arg: blob.cid,
            offline: 'true',
            ...(range ? { offset: String(range.start), length: String(range.end - range.start + 1) } : {}),
          })
    return Readable.fromWeb(res.body as never)
  }

  /** The multihashes (hex) of the recursive pins Kubo holds now. */
  async function kuboPins(): Promise<Set<string>> {
    const set = new Set<string>()
    for (const cid of await deps.kubo.pinLsRecursive()) {
      try {
        set.add(multihashOfCid(cid))
      } catch {
        /* not a CID Tack could have pinned */
      }
    }
    return set
  }

  /** The roots (multihashes) whose pins cover this blob. */
  const coveringRoots = (cid: string) =>
    (
      db
        .prepare(
          `SELECT multihash FROM files WHERE cid = ? AND private = 0 AND state = 'pinned'
           UNION SELECT d.multihash FROM dir_entries e JOIN files d ON d.cid = e.dir_cid
            WHERE e.cid = ? AND d.private = 0 AND d.state = 'pinned'`,
        )
        .all(cid, cid) as Array<{ multihash: string }>
    ).map((r) => r.multihash)

  async function reconcileOnce(): Promise<void> {
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM blobs b WHERE b.location = 'store' AND ${COVERED}`).get() as {
      n: number
    }).n
    Object.assign(progress, { done: 0, total, running: total > 0 })
    if (!total) return
    log.info('moving pinned uploads to Kubo only (one copy of each byte)', { blobs: total })
    const pinned = await kuboPins()
    const page = db.prepare(
      `SELECT b.cid FROM blobs b WHERE b.location = 'store' AND b.cid > ? AND ${COVERED} ORDER BY b.cid LIMIT ?`,
    )
    let after = ''
    let skipped = 0
    while (!stopping) {
      const cids = (page.all(after, BATCH) as Array<{ cid: string }>).map((r) => r.cid)
      if (!cids.length) break
      after = cids.at(-1)!
      // Only what Kubo really pins goes from the store: a record that says 'pinned' is not proof enough.
      const held = cids.filter((cid) => coveringRoots(cid).some((mh) => pinned.has(mh)))
      skipped += cids.length - held.length
      await evictBlobs(held)
      progress.done += cids.length
      log.info('moved pinned uploads to Kubo only', { done: progress.done, total })
    }
    if (skipped) log.warn('pinned uploads Kubo does not hold kept their objects', { blobs: skipped })
    progress.running = false
  }

  return {
    holdForRead,
    async read(blob, range) {
      if (blob.location !== 'kubo') return store.read(blob.object_key, range)
      return fromKubo(blob, range)
    },
    async evict(root) {
      const cids = [root, ...repo.entries(root).map((e) => e.cid)]
      const n = await evictBlobs(cids)
      if (n) log.debug('evicted objects now held by Kubo', { root, blobs: n })
    },
    keepBeforeUnpin() {
      const run = copying.then(async () => {
        const blobs = db
          .prepare(
            `SELECT cid, object_key, size, location, format FROM blobs b WHERE b.location = 'kubo' AND NOT ${COVERED}`,
          )
          .all() as BlobRow[]
        for (const blob of blobs) {
          let multihash: string
          try {
            multihash = multihashOfCid(blob.cid)
          } catch {
            continue
          }
          if (deps.pinnedElsewhere?.(multihash)) continue
          await copyBack(blob)
        }
      })
      copying = run.catch(() => {})
      return run
    },
    reconcile() {
      stopping = false
      reconciling = reconcileOnce().catch((err: unknown) => {
        progress.running = false
        log.warn('moving pinned uploads to Kubo stopped; the next start goes on', { error: String(err) })
      })
      return reconciling
    },
    progress: () => ({ ...progress }),
    async stop() {
      stopping = true
      await reconciling
      await copying
    },
  }
}

/**
 * The Kubo client every domain unpins through: before any pin goes, the bytes that only it held and that an
 * upload still needs are copied back (a failed copy fails the unpin, which is retried as unpins are).
 */
export function keepingBytes<K extends Pick<KuboClient, 'pinRm'>>(
  kubo: K,
  placement: () => Pick<Placement, 'keepBeforeUnpin'>,
): K {
  return {
    ...kubo,
    async pinRm(cid: string) {
      await placement().keepBeforeUnpin()
      await kubo.pinRm(cid)
    },
  }
}
