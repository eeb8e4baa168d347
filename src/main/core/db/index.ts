// Tack's state: one SQLite file in the data dir (WAL, foreign keys), migrated on open. The CLI opens the
// same file while `tack serve` runs; WAL and a busy timeout make that safe.
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { closeSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import { MIGRATIONS, type Migration } from './migrations.js'

export type Db = Database.Database

/**
 * Which better-sqlite3 native module this runtime loads. Node and Electron need different builds (ABI 115
 * vs Electron's own), kept side by side: under Electron, the one the shell names (its
 * build/native/electron-<abi>/ copy, see scripts/build-native-electron.mjs); under plain Node, the package's
 * own build/Release, whatever a config made for the desktop says. Undefined means the package's default.
 */
export function chooseNativeBinding(
  electronBinding: string | undefined,
  versions: { electron?: string } = process.versions,
): string | undefined {
  return versions.electron ? electronBinding : undefined
}

export interface OpenDbOptions {
  migrations?: Migration[]
  /** The Electron build of the native module (config.sqliteBinding); used only when running in Electron. */
  electronBinding?: string
}

// The native module each connection was opened with: a further connection (a backup snapshot, an archive's
// database, the checkpoint thread) loads the same one. In the desktop app the package's own Node build is not
// shipped, so an open that chose anew would fail there ("Could not locate the bindings file").
const BINDINGS = new WeakMap<Db, string | undefined>()

/** Every SQLite connection Tack opens goes through here (or openBeside): the binding is chosen only here. */
export function openSqlite(file: string, options: { electronBinding?: string; readonly?: boolean } = {}): Db {
  return openWith(chooseNativeBinding(options.electronBinding), file, options.readonly)
}

/** Another connection (to another file, or read-only) with the native module `db` was opened with. */
export function openBeside(db: Db, file: string, options: { readonly?: boolean } = {}): Db {
  return openWith(BINDINGS.get(db), file, options.readonly)
}

function openWith(nativeBinding: string | undefined, file: string, readonly = false): Db {
  const db = new Database(file, { ...(nativeBinding ? { nativeBinding } : {}), readonly })
  BINDINGS.set(db, nativeBinding)
  return db
}

/** The native module `db` was opened with (undefined: the package's default). */
export function nativeBindingOf(db: Db): string | undefined {
  return BINDINGS.get(db)
}

export function openDb(file: string, options: Migration[] | OpenDbOptions = {}): Db {
  const { migrations = MIGRATIONS, electronBinding } = Array.isArray(options) ? { migrations: options } : options
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  // Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
  if (file !== ':memory:') closeSync(openSync(file, 'a', 0o600))
  const db = openSqlite(file, { electronBinding })
  return prepareDb(db, migrations)
}

/** The same database as `beside` (its native module), migrated: an archive's snapshot before it is merged. */
export function openDbBeside(beside: Db, file: string, migrations: Migration[] = MIGRATIONS): Db {
  return prepareDb(openBeside(beside, file), migrations)
}

function prepareDb(db: Db, migrations: Migration[]): Db {
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  // Durability, WAL with synchronous=NORMAL: a commit is in the WAL file when the call returns, so a crash
  // or kill -9 of Tack loses nothing and the file is never corrupt; only a power loss or OS crash may roll
  // back the commits made since the WAL was last synced (at a checkpoint). That suits a pinning service:
  // Kubo's own pinset (leveldb, unsynced writes) has the same window, the next start reconciles SQLite's
  // ledger with what Kubo holds either way, and a client whose pin object vanished reads 404 and adds it
  // again. FULL would fsync on every POST. The serving process bounds the window in time (checkpointEvery).
  db.pragma('synchronous = NORMAL')
  migrate(db, migrations)
  return db
}

/** How often the serving process checkpoints (moves the WAL into the database file, syncing both). */
export const CHECKPOINT_MS = 1000

/**
 * Checkpoints on a timer instead of SQLite's automatic one: that ran inside whichever commit filled 1000
 * WAL pages, with two fsyncs, about every 80 POSTs, and was 70 % of an insert's time (0.5 ms per POST
 * measured, 0.15 ms without it). On a timer a burst of POSTs shares one checkpoint per `everyMs`, and a
 * power loss rolls back at most the last `everyMs` of commits, where before a quiet service's WAL could go
 * unsynced until 1000 pages filled.
 * The checkpoint runs on a connection of its own in a worker thread: under a flood of writes each one took
 * tens of ms of fsync, and on the event loop that was the p99 of every request (bench/flood.ts: `pragma`
 * was the largest JavaScript-side item of the server's CPU profile). Should the worker not start, the timer
 * runs here as before. Returns stop(), which brings back the automatic checkpoint.
 */
export function checkpointEvery(db: Db, everyMs = CHECKPOINT_MS): () => Promise<void> {
  const nativeBinding = nativeBindingOf(db)
  db.pragma('wal_autocheckpoint = 0')
  let timer: NodeJS.Timeout | undefined
  const onThisThread = () => {
    timer ??= setInterval(() => {
      // PASSIVE: never waits for readers (the CLI); what they still read is moved at a later tick.
      if (db.open) db.pragma('wal_checkpoint(PASSIVE)')
    }, everyMs)
    timer.unref()
  }
  let worker: Worker | undefined
  try {
    const module = createRequire(import.meta.url).resolve('better-sqlite3')
    worker = new Worker(CHECKPOINT_WORKER, {
      eval: true,
      workerData: { module, file: db.name, nativeBinding, everyMs },
    })
    worker.unref()
    worker.once('error', () => {
      worker = undefined
      onThisThread()
    })
  } catch {
    onThisThread()
  }
  return async () => {
    clearInterval(timer)
    if (db.open) db.pragma('wal_autocheckpoint = 1000')
    // Waited for: a stopped core leaves no connection behind (the next core in this process opens the file).
    const running = worker
    if (!running) return
    const exited = once(running, 'exit').catch(() => {})
    running.postMessage('stop')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())])
  }
}

/** The checkpointing thread: its own connection to the same file, the same PASSIVE checkpoint on a timer,
 *  and a last one when told to stop. CommonJS source, so it needs no file of its own in any bundle. */
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.module)
const db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {})
db.pragma('busy_timeout = 5000')
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)') } catch {} }
const timer = setInterval(checkpoint, workerData.everyMs)
parentPort.on('message', () => {
  clearInterval(timer)
  checkpoint()
  db.close()
  parentPort.close()
})
`

export function migrate(db: Db, migrations: Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue
    db.transaction(() => {
      db.exec(m.sql)
      db.pragma(`user_version = ${m.version}`)
    })()
  }
}
