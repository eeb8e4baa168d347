// The part of the core that needs no child process: the SQLite file with accounts and keys. The CLI uses
// this alone, so `tack key create` works whether or not `tack serve` is running.
import { chmodSync } from 'node:fs'
import { join } from 'node:path'
import { createAccounts, type Accounts } from './accounts/index.js'
import { openDb, type Db } from './db/index.js'
import { createKeys, type Keys } from './keys/index.js'
import type { Config } from './config.js'
import { restrictDataDir } from './data-dir.js'

export interface State {
  db: Db
  accounts: Accounts
  keys: Keys
  close(): void
}

export const paths = (dataDir: string) => ({
  db: join(dataDir, 'tack.db'),
  kuboRepo: join(dataDir, 'kubo'),
  /** The secret that locks Kubo's RPC to Tack (0600), beside Kubo's repo. */
  kuboApiSecret: join(dataDir, 'kubo-api-secret'),
  minioData: join(dataDir, 'minio'),
  /** MinIO's generated credentials and ports (0600), beside its data dir, never inside it (that is the bucket tree). */
  minioSettings: join(dataDir, 'minio.json'),
  minioPid: join(dataDir, 'minio.pid'),
  sessionToken: join(dataDir, 'session-token'),
  pidFile: join(dataDir, 'tack.pid'),
  logs: join(dataDir, 'logs'),
})

export function openState(config: Pick<Config, 'dataDir' | 'defaultQuotaBytes' | 'sqliteBinding'>): State {
  restrictDataDir(config.dataDir)
  const file = paths(config.dataDir).db
  const db = openDb(file, { electronBinding: config.sqliteBinding })
  // Key hashes and remote targets' secrets live here: only this user may read it.
  if (process.platform !== 'win32') chmodSync(file, 0o600)
  const accounts = createAccounts(db, { defaultQuotaBytes: config.defaultQuotaBytes })
  accounts.ensureOwner()
  return { db, accounts, keys: createKeys(db), close: () => db.close() }
}
