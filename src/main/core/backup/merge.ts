// The rows of a backup's database snapshot, written into this data dir's database in one transaction.
// Columns are copied by name (both sides are migrated to the same schema first); ids that point at other
// rows are mapped. Into an empty data dir every row keeps its id (signed links name a file record's id);
// with merge, accounts match by name, pins by requestid, keys by id, file records by (account, CID), blobs by
// CID, forwarding targets by name, settings by key, and rows that are there already are left as they are.
import type { Db } from '../db/index.js'
import { CoreError } from '../errors.js'

export interface MergeResult {
  accounts: number
  keys: number
  pins: number
  files: number
  skipped: number
}

type Row = Record<string, unknown>

export function mergeRows(target: Db, source: Db, options: { merge: boolean }): MergeResult {
  const result: MergeResult = { accounts: 0, keys: 0, pins: 0, files: 0, skipped: 0 }
  const columns = (table: string) =>
    (target.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name)
  const all = (table: string) => source.prepare(`SELECT * FROM ${table}`).all() as Row[]
  /** INSERT OR IGNORE of a row's columns (those the target has); returns the new rowid, or undefined. */
  const insert = (table: string, row: Row, omit: string[] = []): number | undefined => {
    const names = columns(table).filter((c) => c in row && !omit.includes(c))
    const info = target
      .prepare(`INSERT OR IGNORE INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
      .run(...names.map((n) => row[n]))
    if (info.changes === 0) {
      result.skipped++
      return undefined
    }
    return Number(info.lastInsertRowid)
  }
  const exists = (sql: string, ...args: unknown[]) => Boolean(target.prepare(sql).get(...args))
  /** Columns to leave out so a row keeps its id where that id is free (always, into an empty data dir). */
  const ids = (table: string, row: Row) =>
    options.merge || exists(`SELECT 1 FROM ${table} WHERE id = ?`, row.id) ? ['id'] : []

  target.transaction(() => {
    if (!options.merge) {
      const used =
        exists('SELECT 1 FROM pins LIMIT 1') ||
        exists('SELECT 1 FROM files LIMIT 1') ||
        exists('SELECT 1 FROM accounts WHERE is_owner = 0 LIMIT 1') ||
        exists('SELECT 1 FROM api_keys LIMIT 1')
      if (used) throw new CoreError('CONFLICT', 'this data dir is not empty: import into an empty one, or use --merge')
    }
    // Accounts: the owner is the owner; the others by name.
    const accountIds = new Map<number, number>()
    const owner = target.prepare('SELECT id FROM accounts WHERE is_owner = 1').get() as { id: number }
    for (const a of all('accounts')) {
      const id = a.id as number
      if (a.is_owner) {
        accountIds.set(id, owner.id)
        continue
      }
      const there = target.prepare('SELECT id FROM accounts WHERE name = ?').get(a.name) as { id: number } | undefined
      if (there) accountIds.set(id, there.id)
      else {
        accountIds.set(id, insert('accounts', a, ids('accounts', a))!)
        result.accounts++
      }
    }
    const account = (row: Row): Row => ({ ...row, account_id: accountIds.get(row.account_id as number) })

    for (const k of all('api_keys')) if (insert('api_keys', account(k)) !== undefined) result.keys++
    for (const s of all('settings')) insert('settings', s)

    for (const p of all('pins')) {
      if (exists('SELECT 1 FROM pins WHERE requestid = ?', p.requestid)) {
        result.skipped++
        continue
      }
      // created_at is unique (it orders listings): a clash with a pin already here moves by a millisecond.
      let created = p.created_at as number
      while (exists('SELECT 1 FROM pins WHERE created_at = ?', created)) created++
      insert('pins', { ...account(p), created_at: created }, ids('pins', p))
      result.pins++
    }
    for (const k of all('kubo_pins')) insert('kubo_pins', k)
    for (const b of all('blobs')) insert('blobs', b)
    for (const f of all('files')) {
      const row = account(f)
      if (exists('SELECT 1 FROM files WHERE account_id = ? AND cid = ?', row.account_id, row.cid)) {
        result.skipped++
        continue
      }
      // An id taken here (merge) means a new one: that record's old signed links stop working.
      insert('files', row, exists('SELECT 1 FROM files WHERE id = ?', f.id) ? ['id'] : [])
      result.files++
    }
    for (const e of all('dir_entries')) insert('dir_entries', e)

    const remoteIds = new Map<number, number>()
    for (const r of all('remotes')) {
      const there = target.prepare('SELECT id FROM remotes WHERE name = ?').get(r.name) as { id: number } | undefined
      const mapped = (JSON.parse(String(r.account_ids ?? '[]')) as number[]).map((id) => accountIds.get(id) ?? id)
      remoteIds.set(
        r.id as number,
        there?.id ?? insert('remotes', { ...r, account_ids: JSON.stringify(mapped) }, ids('remotes', r))!,
      )
    }
    for (const rp of all('remote_pins'))
      insert('remote_pins', { ...rp, remote_id: remoteIds.get(rp.remote_id as number) })
  })()
  return result
}
