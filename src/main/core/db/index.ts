// Tack's state: one SQLite file in the data dir (WAL, foreign keys), migrated on open. The CLI opens the
// same file while `tack serve` runs; WAL and a busy timeout make that safe.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
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

export function openDb(file: string, options: Migration[] | OpenDbOptions = {}): Db {
  const { migrations = MIGRATIONS, electronBinding } = Array.isArray(options) ? { migrations: options } : options
  mkdirSync(dirname(file), { recursive: true })
  const nativeBinding = chooseNativeBinding(electronBinding)
  const db = new Database(file, nativeBinding ? { nativeBinding } : {})
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('synchronous = NORMAL')
  migrate(db, migrations)
  return db
}

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
