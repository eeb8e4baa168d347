// The rows of a backup's database snapshot, written into this data dir's database in one transaction.
// Columns are copied by name (both sides are migrated to the same schema first); ids that point at other
// rows are mapped. Into an empty data dir every row keeps its id (signed links name a file record's id);
// with merge, accounts match by name, pins by requestid, keys by id, file records by (account, CID), blobs by
// CID, forwarding targets by name, and rows that are there already are left as they are. A merge trusts the
// archive only so far (trust.ts): keys by the policy asked for, privacy never lowered, settings not taken.
import type { Db } from '../db/index.js'
import { CoreError } from '../errors.js'
import { defaultKeyPolicy, keyAllowed, touchesPrivate, type KeyPolicy } from './trust.js'

export interface MergeOptions {
  merge: boolean
  /** Which of the archive's keys to add; by default all into an empty data dir, none with merge. */
  keys?: KeyPolicy
}

export interface AddedKey {
  id: string
  name: string
  account: string
  scopes: string
}

export interface MergeResult {
  accounts: number
  keys: number
  pins: number
  files: number
  skipped: number
  /** The keys added, for the importer to see (never their hashes). */
  addedKeys: AddedKey[]
  /** Keys of the archive the key policy left out. */
  keysLeftOut: number
  /** CIDs the archive lists as public that are private here: their merged records were made private. */
  keptPrivate: string[]
  /** Forwarding targets of the archive not added (a merge takes them only with `--keys all`). */
  targetsLeftOut: string[]
}

type Row = Record<string, unknown>

export function mergeRows(target: Db, source: Db, options: MergeOptions): MergeResult {
  const result: MergeResult = {
    accounts: 0,
    keys: 0,
    pins: 0,
    files: 0,
    skipped: 0,
    addedKeys: [],
    keysLeftOut: 0,
    keptPrivate: [],
    targetsLeftOut: [],
  }
  const keyPolicy = options.keys ?? defaultKeyPolicy(options.merge)
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
    const newAccounts = new Map<number, string>()
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
        const created = insert('accounts', { ...a, is_owner: 0 }, ids('accounts', a))!
        accountIds.set(id, created)
        newAccounts.set(created, String(a.name))
        result.accounts++
      }
    }
    const account = (row: Row): Row => ({ ...row, account_id: accountIds.get(row.account_id as number) })
    const accountName = (id: number) =>
      (target.prepare('SELECT name FROM accounts WHERE id = ?').get(id) as { name: string }).name

    for (const k of all('api_keys')) {
      const row = account(k)
      if (!keyAllowed(keyPolicy, row.scopes, newAccounts.has(row.account_id as number))) {
        result.keysLeftOut++
        continue
      }
      if (insert('api_keys', row) === undefined) continue
      result.keys++
      const accountId = row.account_id as number
      result.addedKeys.push({
        id: String(k.id),
        name: String(k.name),
        account: accountName(accountId),
        scopes: String(k.scopes),
      })
    }
    // This data dir's settings are its own (LAN sharing among them): a merge leaves them as they are.
    if (!options.merge) for (const s of all('settings')) insert('settings', s)

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
    mergeFiles()
    mergeRemotes()

    function mergeFiles() {
      // Taken before any record goes in: what is private here is decided by this data dir alone.
      const privateHere = new Set(
        (
          target.prepare('SELECT cid FROM files GROUP BY cid HAVING MAX(private = 0) = 0').all() as Array<{
            cid: string
          }>
        ).map((r) => r.cid),
      )
      const entries = new Map<string, Row[]>()
      for (const e of all('dir_entries')) entries.set(String(e.dir_cid), [...(entries.get(String(e.dir_cid)) ?? []), e])
      for (const f of all('files')) {
        const row = account(f)
        if (exists('SELECT 1 FROM files WHERE account_id = ? AND cid = ?', row.account_id, row.cid)) {
          result.skipped++
          continue
        }
        const inside = row.kind === 'dir' ? (entries.get(String(row.cid)) ?? []).map((e) => String(e.cid)) : []
        if (touchesPrivate(privateHere, String(row.cid), inside)) {
          if (!row.private) result.keptPrivate.push(String(row.cid))
          Object.assign(row, { private: 1, state: 'stored', link_secret: null })
        }
        // An id taken here (merge) means a new one: that record's old signed links stop working.
        insert('files', row, exists('SELECT 1 FROM files WHERE id = ?', f.id) ? ['id'] : [])
        result.files++
      }
      // A folder here has its entries already (a folder's CID fixes them): none are added to it.
      for (const [dir, rows] of entries) {
        if (options.merge && exists('SELECT 1 FROM dir_entries WHERE dir_cid = ?', dir)) continue
        for (const e of rows) insert('dir_entries', e)
      }
    }

    function mergeRemotes() {
      const remoteIds = new Map<number, number>()
      // A target says where pins go (with credentials its author chose): a merge takes new ones only from an
      // archive it trusts with keys too (trust.ts).
      const takeNew = !options.merge || (options.keys ?? defaultKeyPolicy(options.merge)) === 'all'
      for (const r of all('remotes')) {
        const there = target.prepare('SELECT id FROM remotes WHERE name = ?').get(r.name) as { id: number } | undefined
        if (!there && !takeNew) {
          result.targetsLeftOut.push(String(r.name))
          continue
        }
        const mapped = (JSON.parse(String(r.account_ids ?? '[]')) as number[]).map((id) => accountIds.get(id) ?? id)
        remoteIds.set(
          r.id as number,
          // An outage of the archive's time is not one of this install's: the forwarder sees for itself.
          there?.id ??
            insert('remotes', { ...r, account_ids: JSON.stringify(mapped), failing_since: null }, ids('remotes', r))!,
        )
      }
      for (const rp of all('remote_pins')) {
        const remoteId = remoteIds.get(rp.remote_id as number)
        if (remoteId !== undefined) insert('remote_pins', { ...rp, remote_id: remoteId })
      }
    }
  })()
  return result
}
