// The settings table: small values the owner or Tack itself remembers across restarts (LAN sharing, the UI's
// add-to-IPFS default, a pending GC's due time), one row per key.
import type { Db } from './index.js'
import { cached } from './statements.js'

export function readSetting(db: Db, key: string): string | undefined {
  return cached<[string], { value: string }>(db, 'SELECT value FROM settings WHERE key = ?').get(key)?.value
}

export function writeSetting(db: Db, key: string, value: string): void {
  cached(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    key,
    value,
  )
}
