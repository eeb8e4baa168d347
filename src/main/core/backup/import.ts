// Restoring a backup archive (format in archive.ts) into a data dir where serve is not running, with its
// Kubo and object store up (the caller starts them). Four steps, and nothing is half-imported:
//  1. unpack into a temp dir, checking every entry against the manifest (size, SHA-256, none missing);
//  2. verify every CID: each CAR block by block with its root as named, each object re-hashed to its blob's CID;
//  3. bring the content in: CARs into Kubo (dag/import, then pin), objects into the store;
//  4. one SQLite transaction for every row. A failure before it commits removes what 3 added.
// Accounts match by name (the owner is the owner), pins by requestid, file records by account and CID,
// blobs by CID, forwarding targets by name; nothing already there is duplicated or overwritten.
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, normalize } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import tar from 'tar-stream'
import { verifyCar } from '../files/car/verify.js'
import { openDbBeside, type Db } from '../db/index.js'
import { CoreError } from '../errors.js'
import { cidV1 } from '../cid/index.js'
import { cidOf } from '../cid/unixfs.js'
import { multipartBody } from '../kubo/add.js'
import type { KuboClient } from '../kubo/client.js'
import type { GcGate } from '../kubo/gc.js'
import type { ObjectStore } from '../object-store/store.js'
import {
  ARCHIVE_FORMAT,
  CARS_DIR,
  checksum,
  DB_ENTRY,
  MANIFEST_ENTRY,
  OBJECTS_DIR,
  type Manifest,
  type Progress,
} from './archive.js'
import { mergeRows, type MergeOptions, type MergeResult } from './merge.js'
import { IMPORT_SPOOL_PREFIX } from './spool.js'

export interface ImportDeps {
  db: Db
  store: Pick<ObjectStore, 'writer' | 'remove'>
  kubo: Pick<KuboClient, 'call' | 'pinAdd' | 'pinRm' | 'isPinned'>
  tempDir?: string
  /** A running core's GC gate: a GC between dag/import and the pin would take the blocks just imported. */
  gate?: Pick<GcGate, 'hold'>
}

const bad = (details: string) => new CoreError('BAD_REQUEST', `the archive is refused: ${details}`)

export async function importArchive(
  deps: ImportDeps,
  source: Readable,
  options: MergeOptions,
  progress?: Progress,
): Promise<MergeResult> {
  const dir = mkdtempSync(join(deps.tempDir ?? tmpdir(), IMPORT_SPOOL_PREFIX))
  const written: string[] = []
  const pinned: string[] = []
  try {
    const manifest = await unpack(source, dir)
    const snapshot = openSnapshot(deps.db, join(dir, DB_ENTRY))
    try {
      checkSchema(snapshot, deps.db)
      // Blobs only Kubo held (files/placement.ts) have no object: their bytes come with a root's CAR.
      const inKubo = snapshot.prepare("SELECT cid FROM blobs WHERE location = 'kubo'").all() as Array<{ cid: string }>
      const blobs = snapshot
        .prepare("SELECT cid, object_key, format FROM blobs WHERE location = 'store'")
        .all() as Array<{
        cid: string
        object_key: string
        format: string
      }>
      const cars = manifest.entries.filter((e) => e.path.startsWith(CARS_DIR)).map((e) => e.path)
      // Each blob's bytes must be an entry of the archive: a key the database names is never a path of its own
      // (`../tack.db`, or one out of the temp dir, would otherwise be read and stored under that key).
      const entries = new Set(manifest.entries.map((e) => e.path))
      // A merge must never write over an object of this data dir: new content under a key already in use here
      // (by other content, or an upload in progress) would replace that content's bytes.
      const keyInUse = deps.db.prepare(
        'SELECT 1 FROM blobs WHERE object_key = ? AND cid != ? UNION ALL SELECT 1 FROM pending_uploads WHERE object_key = ?',
      )
      for (const { cid } of inKubo)
        if (!coveringRoots(snapshot, cid).some((root) => entries.has(`${CARS_DIR}${root}.car`)))
          throw bad(`the content of ${cid} is not in it`)
      for (const blob of blobs) {
        if (!entries.has(OBJECTS_DIR + blob.object_key)) throw bad(`the object of ${blob.cid} is not in it`)
        if (keyInUse.get(blob.object_key, blob.cid, blob.object_key))
          throw bad(`the object of ${blob.cid} has a key (${blob.object_key}) this data dir already uses`)
      }
      const total = cars.length + blobs.length
      let done = 0
      const step = (phase: string) => progress?.({ phase, done: ++done, total, bytes: 0 })
      // 2. Every CID, before anything is changed.
      for (const path of cars) {
        const root = (await verifyCar(createReadStream(join(dir, path)))).root.toV1().toString()
        const named = path.slice(CARS_DIR.length, -'.car'.length)
        if (root !== toV1(named)) throw bad(`${path} holds ${root}`)
      }
      for (const blob of blobs) {
        const file = join(dir, OBJECTS_DIR + blob.object_key)
        const got =
          blob.format === 'car'
            ? (await verifyCar(createReadStream(file))).root.toV1().toString()
            : await cidOf(createReadStream(file))
        if (got !== blob.cid) throw bad(`the object of ${blob.cid} hashes to ${got}`)
      }
      // 3. Content: blocks into Kubo and pinned; objects into the store (skipping blobs already here).
      const bringIn = async (): Promise<MergeResult> => {
        for (const path of cars) {
          const cid = path.slice(CARS_DIR.length, -'.car'.length)
          const { body, contentType } = multipartBody(
            (async function* () {
              yield { path: 'import.car', content: createReadStream(join(dir, path)) }
            })(),
          )
          await (
            await deps.kubo.call(
              'dag/import',
              { 'pin-roots': 'false' },
              { body, headers: { 'content-type': contentType } },
            )
          ).text()
          if (!(await deps.kubo.isPinned(cid))) {
            await deps.kubo.pinAdd(cid)
            pinned.push(cid)
          }
          step('content')
        }
        const known = deps.db.prepare('SELECT 1 FROM blobs WHERE cid = ?')
        for (const blob of blobs) {
          if (known.get(blob.cid)) continue
          const writer = deps.store.writer(blob.object_key)
          written.push(blob.object_key)
          try {
            for await (const chunk of createReadStream(join(dir, OBJECTS_DIR + blob.object_key)))
              await writer.write(chunk as Buffer)
            await writer.finish()
          } catch (err) {
            await writer.abort()
            throw err
          }
          step('objects')
        }
        // 4. Every row at once. The snapshot is the archive's claim too: a database that is not one Tack
        // wrote (a table dropped, a constraint broken) is refused, not a crash.
        try {
          return mergeRows(deps.db, snapshot, options)
        } catch (err) {
          if (err instanceof CoreError || (err as Error).name !== 'SqliteError') throw err
          throw bad(`its database is not one Tack wrote: ${(err as Error).message}`)
        }
      }
      return deps.gate ? await deps.gate.hold(bringIn) : await bringIn()
    } finally {
      snapshot.close()
    }
  } catch (err) {
    for (const key of written) await deps.store.remove(key).catch(() => {})
    for (const cid of pinned) await deps.kubo.pinRm(cid).catch(() => {})
    throw err
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The archive's database, migrated to this version's schema; a file that is not one is the archive's fault. */
function openSnapshot(beside: Db, file: string): Db {
  try {
    return openDbBeside(beside, file)
  } catch (err) {
    if ((err as Error).name !== 'SqliteError') throw err
    throw bad(`its database cannot be opened: ${(err as Error).message}`)
  }
}

/** Both databases are migrated to this version's schema: a snapshot without a table or column of it was not
 *  written by Tack (every read of the snapshot below relies on them). */
function checkSchema(snapshot: Db, target: Db): void {
  const tables = (db: Db) =>
    (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{
        name: string
      }>
    ).map((t) => t.name)
  const columns = (db: Db, table: string) =>
    new Set((db.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string }>).map((c) => c.name))
  const present = new Set(tables(snapshot))
  for (const table of tables(target)) {
    if (!present.has(table)) throw bad(`its database has no ${table} table`)
    const have = columns(snapshot, table)
    for (const column of columns(target, table))
      if (!have.has(column)) throw bad(`its database's ${table} table has no ${column} column`)
  }
}

const toV1 = (cid: string) => {
  try {
    return cidV1(cid)
  } catch {
    throw bad(`"${cid}" is not a CID`)
  }
}

/** Unpacks into dir, checking each entry against the manifest (which comes last). */
async function unpack(source: Readable, dir: string): Promise<Manifest> {
  const seen = new Map<string, { size: number; sha256: string }>()
  let manifestText: string | undefined
  const extract = tar.extract()
  const done = (async () => {
    for await (const entry of extract) {
      const name = entry.header.name
      if (entry.header.type !== 'file' || !safePath(name)) {
        entry.resume()
        throw bad(`unexpected entry "${name}"`)
      }
      if (seen.has(name) || (name === MANIFEST_ENTRY && manifestText !== undefined))
        throw bad(`"${name}" appears twice`)
      if (name === MANIFEST_ENTRY) {
        const chunks: Buffer[] = []
        for await (const c of entry) chunks.push(c as Buffer)
        manifestText = Buffer.concat(chunks).toString('utf8')
        continue
      }
      const target = join(dir, name)
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 })
      const sum = checksum()
      // pipeline: a file that cannot be written (a name that is a folder here) fails this import, not the process.
      await pipeline(
        entry,
        async function* (chunks: AsyncIterable<unknown>) {
          for await (const c of chunks) {
            sum.update(c as Buffer)
            yield c
          }
        },
        createWriteStream(target),
      )
      seen.set(name, { size: sum.size, sha256: sum.hex() })
    }
  })()
  try {
    await Promise.all([pipeline(source, extract), done])
  } catch (err) {
    extract.destroy()
    source.destroy()
    if (err instanceof CoreError) throw err
    throw bad(`it is truncated or not a Tack backup (${(err as Error).message})`)
  }
  if (manifestText === undefined) throw bad('it has no manifest (truncated?)')
  let manifest: Manifest
  try {
    manifest = JSON.parse(manifestText) as Manifest
  } catch {
    throw bad('its manifest is not JSON')
  }
  if (manifest.format !== ARCHIVE_FORMAT || !Array.isArray(manifest.entries)) throw bad('it is not a Tack backup')
  const listed = new Set(manifest.entries.map((e) => e.path))
  for (const name of seen.keys()) if (!listed.has(name)) throw bad(`"${name}" is not in the manifest`)
  for (const e of manifest.entries) {
    const got = seen.get(e.path)
    if (!got) throw bad(`"${e.path}" is missing`)
    if (got.size !== e.size || got.sha256 !== e.sha256) throw bad(`"${e.path}" does not match its checksum`)
  }
  if (!seen.has(DB_ENTRY)) throw bad('it holds no database')
  return manifest
}

function safePath(name: string): boolean {
  if (name.startsWith('/') || name.endsWith('/') || name.includes('\\') || name.includes('\0')) return false
  const n = normalize(name)
  return n === name && !n.split('/').includes('..')
}

/** The pinned public roots (a file of this CID, or a folder with it) whose CAR carries a Kubo-held blob. */
function coveringRoots(db: Db, cid: string): string[] {
  const rows = db
    .prepare(
      `SELECT cid FROM files WHERE cid = ? AND private = 0 AND state = 'pinned' AND path IS NULL
       UNION SELECT d.cid FROM dir_entries e JOIN files d ON d.cid = e.dir_cid
        WHERE e.cid = ? AND d.private = 0 AND d.state = 'pinned' AND d.path IS NULL`,
    )
    .all(cid, cid) as Array<{ cid: string }>
  return rows.map((r) => r.cid)
}
