// Writing a backup archive (format in archive.ts) while Tack runs or not: the database is snapshotted
// first (an online backup, no pause for clients), and everything else follows what that snapshot names:
// the objects of its blobs from the store, and a CAR (Kubo's dag/export) of each CID it holds pinned in Kubo.
// CARs are spooled to a temp file first, because a tar entry's header needs its size.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import tar from 'tar-stream'
import { openBeside, type Db } from '../db/index.js'
import { CoreError } from '../errors.js'
import type { KuboClient } from '../kubo/client.js'
import type { ObjectStore } from '../object-store/store.js'
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  CARS_DIR,
  checksum,
  DB_ENTRY,
  MANIFEST_ENTRY,
  OBJECTS_DIR,
  type Manifest,
  type ManifestEntry,
  type Progress,
} from './archive.js'
import { EXPORT_SPOOL_PREFIX } from './spool.js'

export interface ExportDeps {
  db: Db
  store: Pick<ObjectStore, 'read'>
  kubo: Pick<KuboClient, 'call'>
  version: string
  /** Where to spool the snapshot and CARs (default the OS temp dir). */
  tempDir?: string
}

/**
 * The archive as a stream; it fails (destroyed with the error) when any part cannot be read. A reader that
 * goes away (a client that hangs up) ends the writing: every read in flight is cut, the spool removed.
 */
export function exportArchive(deps: ExportDeps, progress?: Progress): Readable {
  const pack = tar.pack()
  const out = new PassThrough()
  const gone = new AbortController()
  // A destroyed reader makes pack's pipe fail (premature close): with no listener that error would end the
  // process. It is not the archive's error but the reader's leaving, which the abort below answers.
  pack.on('error', () => gone.abort())
  out.on('close', () => {
    gone.abort()
    pack.destroy()
  })
  pack.pipe(out)
  write(deps, pack, gone.signal, progress).catch((err: unknown) => {
    out.destroy(err instanceof Error ? err : new Error(String(err)))
    pack.destroy()
  })
  return out
}

async function write(deps: ExportDeps, pack: tar.Pack, signal: AbortSignal, progress?: Progress): Promise<void> {
  const spool = mkdtempSync(join(deps.tempDir ?? tmpdir(), EXPORT_SPOOL_PREFIX))
  const entries: ManifestEntry[] = []
  let bytes = 0
  const addEntry = async (path: string, size: number, source: AsyncIterable<Uint8Array>) => {
    const sum = checksum()
    const entry = pack.entry({ name: path, size, mode: 0o600, mtime: new Date(0) })
    await pipeline(
      source,
      async function* (chunks: AsyncIterable<Uint8Array>) {
        for await (const chunk of chunks) {
          sum.update(chunk)
          bytes += chunk.length
          yield chunk
        }
      },
      entry,
      { signal },
    )
    if (sum.size !== size) throw new CoreError('CONFLICT', `${path} changed while it was exported`)
    entries.push({ path, size, sha256: sum.hex() })
  }
  try {
    const snapshot = join(spool, DB_ENTRY)
    await deps.db.backup(snapshot)
    signal.throwIfAborted()
    // With the running database's native module: the desktop ships only its Electron build.
    const snap = openBeside(deps.db, snapshot, { readonly: true })
    let blobs: Array<{ cid: string; object_key: string; size: number }>
    let roots: string[]
    let counts: Manifest['counts']
    try {
      const n = (sql: string) => (snap.prepare(sql).get() as { n: number }).n
      // A blob only Kubo holds (files/placement.ts) travels in the CAR of a pinned root below, not as an object.
      blobs = snap
        .prepare("SELECT cid, object_key, size FROM blobs WHERE location = 'store' ORDER BY cid")
        .all() as typeof blobs
      roots = (
        snap
          .prepare(
            // Only what Kubo holds whole: a queued or pinning pin's content is fetched again after import.
            `SELECT cid FROM pins WHERE status = 'pinned'
             UNION SELECT cid FROM files WHERE state = 'pinned' AND private = 0 AND path IS NULL`,
          )
          .all() as Array<{ cid: string }>
      ).map((r) => r.cid)
      counts = {
        accounts: n('SELECT COUNT(*) AS n FROM accounts'),
        keys: n('SELECT COUNT(*) AS n FROM api_keys'),
        pins: n('SELECT COUNT(*) AS n FROM pins'),
        files: n('SELECT COUNT(*) AS n FROM files'),
        objects: blobs.length,
        cars: 0,
      }
    } finally {
      snap.close()
    }
    roots = [...new Set(roots)]
    counts.cars = roots.length
    const total = 1 + blobs.length + roots.length
    let done = 0
    const step = (phase: string) => progress?.({ phase, done: ++done, total, bytes })

    await addEntry(DB_ENTRY, statSync(snapshot).size, createReadStream(snapshot))
    step('database')
    for (const blob of blobs) {
      await addEntry(OBJECTS_DIR + blob.object_key, blob.size, await deps.store.read(blob.object_key))
      step('objects')
    }
    for (const cid of roots) {
      const file = join(spool, 'dag.car')
      // Offline: a block Kubo lost fails the export instead of waiting on the network.
      const res = await deps.kubo.call('dag/export', { arg: cid, progress: 'false', offline: 'true' }, { signal })
      await pipeline(Readable.fromWeb(res.body as never), createWriteStream(file), { signal })
      await addEntry(`${CARS_DIR}${cid}.car`, statSync(file).size, createReadStream(file))
      rmSync(file, { force: true })
      step('content')
    }
    const manifest: Manifest = {
      format: ARCHIVE_FORMAT,
      version: ARCHIVE_VERSION,
      created: new Date().toISOString(),
      tackVersion: deps.version,
      counts,
      entries,
    }
    const text = Buffer.from(JSON.stringify(manifest, null, 2) + '\n')
    pack.entry({ name: MANIFEST_ENTRY, size: text.length, mode: 0o600, mtime: new Date(0) }, text)
    pack.finalize()
  } finally {
    rmSync(spool, { recursive: true, force: true })
  }
}
