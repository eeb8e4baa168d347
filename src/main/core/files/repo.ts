// The files domain's SQL, in one place. Rows: blobs (one per CID, its object), files (an account's uploads,
// folders as kind 'dir'), dir_entries (a folder's files), pending_uploads (objects that must go unless an
// upload commits them). Usage is the bytes of an account's distinct uploaded files.
import type { Db } from '../db/index.js'

export type FileState = 'stored' | 'pinning' | 'pinned' | 'failed'
export const FILE_STATES = ['stored', 'pinning', 'pinned', 'failed'] as const

export interface FileRow {
  id: number
  account_id: number
  cid: string
  multihash: string
  kind: 'file' | 'dir'
  name: string
  path: string | null
  size: number
  mime: string
  state: FileState
  views: number
  last_accessed_at: number | null
  created_at: number
}

export interface BlobRow {
  cid: string
  object_key: string
  size: number
}

export interface DirEntryRow {
  path: string
  cid: string
  size: number
}

export interface ListQuery {
  accountId: number
  limit: number
  offset: number
  sort: 'created' | 'name' | 'size' | 'views' | 'lastAccessed'
  order: 'asc' | 'desc'
  q?: string
  state?: FileState
}

const SORT_COLUMN: Record<ListQuery['sort'], string> = {
  created: 'created_at',
  name: 'name',
  size: 'size',
  views: 'views',
  lastAccessed: 'last_accessed_at',
}

export type NewFile = Omit<FileRow, 'id' | 'views' | 'last_accessed_at' | 'state'>

export function createFilesRepo(db: Db) {
  const one = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as T | undefined
  const all = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).all(...args) as T[]
  return {
    addPending: (key: string) =>
      db.prepare('INSERT INTO pending_uploads (object_key, started_at) VALUES (?, ?)').run(key, Date.now()),
    removePending: (key: string) => db.prepare('DELETE FROM pending_uploads WHERE object_key = ?').run(key),
    pendingKeys: () => all<{ object_key: string }>('SELECT object_key FROM pending_uploads').map((r) => r.object_key),
    blob: (cid: string) => one<BlobRow>('SELECT cid, object_key, size FROM blobs WHERE cid = ?', cid),
    insertBlob: (b: BlobRow) =>
      db
        .prepare('INSERT INTO blobs (cid, object_key, size, created_at) VALUES (?, ?, ?, ?)')
        .run(b.cid, b.object_key, b.size, Date.now()),
    deleteBlob: (cid: string) => db.prepare('DELETE FROM blobs WHERE cid = ?').run(cid),
    /** A blob nothing references any more: no file row and no folder entry. */
    isUnreferenced: (cid: string) =>
      !one('SELECT 1 FROM files WHERE cid = ? UNION ALL SELECT 1 FROM dir_entries WHERE cid = ? LIMIT 1', cid, cid),
    file: (accountId: number, cid: string) =>
      one<FileRow>('SELECT * FROM files WHERE account_id = ? AND cid = ?', accountId, cid),
    rowsByCid: (cid: string) => all<FileRow>('SELECT * FROM files WHERE cid = ? ORDER BY id', cid),
    /** Inserts unless the account has this CID already; returns the account's row either way. */
    insertFile(f: NewFile, state: FileState): FileRow {
      db.prepare(
        `INSERT INTO files (account_id, cid, multihash, kind, name, path, size, mime, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, cid) DO NOTHING`,
      ).run(f.account_id, f.cid, f.multihash, f.kind, f.name, f.path, f.size, f.mime, state, f.created_at)
      return this.file(f.account_id, f.cid)!
    },
    deleteFile: (id: number) => db.prepare('DELETE FROM files WHERE id = ?').run(id),
    insertEntry: (dirCid: string, e: DirEntryRow) =>
      db
        .prepare('INSERT OR IGNORE INTO dir_entries (dir_cid, path, cid, size) VALUES (?, ?, ?, ?)')
        .run(dirCid, e.path, e.cid, e.size),
    entries: (dirCid: string) =>
      all<DirEntryRow>('SELECT path, cid, size FROM dir_entries WHERE dir_cid = ? ORDER BY path', dirCid),
    deleteEntries: (dirCid: string) => db.prepare('DELETE FROM dir_entries WHERE dir_cid = ?').run(dirCid),
    /** The state of a CID (the same on all its rows), or undefined when no account uploaded it. */
    stateOf: (cid: string) => one<{ state: FileState }>('SELECT state FROM files WHERE cid = ? LIMIT 1', cid)?.state,
    setState: (cid: string, state: FileState) => db.prepare('UPDATE files SET state = ? WHERE cid = ?').run(state, cid),
    cidsInState: (state: FileState) =>
      all<{ cid: string }>('SELECT DISTINCT cid FROM files WHERE state = ?', state).map((r) => r.cid),
    touch: (cid: string) =>
      db.prepare('UPDATE files SET views = views + 1, last_accessed_at = ? WHERE cid = ?').run(Date.now(), cid),
    /** Bytes of the account's uploads that its pin objects do not count already (an upload, once pinned, is
     *  also a pin object with the same size: pins.usageOf counts it, so it is left out here). */
    usageOf: (accountId: number) =>
      one<{ bytes: number | null }>(
        `SELECT SUM(size) AS bytes FROM files f WHERE account_id = ? AND kind = 'file' AND NOT EXISTS
           (SELECT 1 FROM pins p WHERE p.account_id = f.account_id AND p.multihash = f.multihash AND p.status = 'pinned')`,
        accountId,
      )?.bytes ?? 0,
    /** Whether an upload keeps this content pinned in Kubo (the pins domain must not unpin it then). */
    holdsInKubo: (multihash: string) =>
      Boolean(one("SELECT 1 FROM files WHERE multihash = ? AND state IN ('pinning', 'pinned') LIMIT 1", multihash)),
    list(q: ListQuery): { count: number; rows: FileRow[] } {
      const where = ['account_id = ?', "kind = 'file'"]
      const args: unknown[] = [q.accountId]
      if (q.q) {
        where.push('instr(lower(name), lower(?)) > 0')
        args.push(q.q)
      }
      if (q.state) {
        where.push('state = ?')
        args.push(q.state)
      }
      const clause = where.join(' AND ')
      const count = one<{ n: number }>(`SELECT COUNT(*) AS n FROM files WHERE ${clause}`, ...args)!.n
      // NULLs (never accessed) sort last either way; id breaks ties so pages never overlap.
      const col = SORT_COLUMN[q.sort]
      const dir = q.order === 'asc' ? 'ASC' : 'DESC'
      const rows = all<FileRow>(
        `SELECT * FROM files WHERE ${clause} ORDER BY ${col} IS NULL, ${col} ${dir}, id ${dir} LIMIT ? OFFSET ?`,
        ...args,
        q.limit,
        q.offset,
      )
      return { count, rows }
    },
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
  }
}

export type FilesRepo = ReturnType<typeof createFilesRepo>
