// The files domain's SQL, in one place. Rows: blobs (one per CID, its object), files (an account's uploads,
// folders as kind 'dir'), dir_entries (a folder's files), pending_uploads (objects that must go unless an
// upload commits them). Usage is the bytes of an account's distinct uploaded files.
import type { Db } from '../db/index.js'
import { cached } from '../db/statements.js'

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
  /** 1: a private upload (object store only, never in Kubo; see files/private.ts). */
  private: number
}

export interface BlobRow {
  cid: string
  object_key: string
  size: number
  /** Where the bytes are: the object under object_key, or Kubo only (files/placement.ts). */
  location?: 'store' | 'kubo'
  format?: 'raw' | 'car'
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
  /** Only private (true) or only public (false) records. */
  private?: boolean
}

const SORT_COLUMN: Record<ListQuery['sort'], string> = {
  created: 'created_at',
  name: 'name',
  size: 'size',
  views: 'views',
  lastAccessed: 'last_accessed_at',
}

export type NewFile = Omit<FileRow, 'id' | 'views' | 'last_accessed_at' | 'state' | 'private'>

/** The files table with each row's state as its account sees it: content Kubo holds counts as pinned for an
 *  account only while that account has a pin object of it (removing the pin in Pins makes Files say so). */
const ACCOUNT_VIEW = `SELECT id, account_id, cid, multihash, kind, name, path, size, mime, views, last_accessed_at, created_at, private,
  CASE WHEN state = 'pinned' AND NOT EXISTS
    (SELECT 1 FROM pins p WHERE p.account_id = files.account_id AND p.multihash = files.multihash)
  THEN 'stored' ELSE state END AS state
  FROM files`

export function createFilesRepo(db: Db) {
  const prepare = (sql: string) => cached(db, sql)
  const one = <T>(sql: string, ...args: unknown[]) => prepare(sql).get(...args) as T | undefined
  const all = <T>(sql: string, ...args: unknown[]) => prepare(sql).all(...args) as T[]
  // A quota check (every POST of an account with a quota) reads it.
  const usage = cached<[number], { bytes: number }>(db, 'SELECT bytes FROM file_usage WHERE account_id = ?')
  // A CAR whose root is a folder has one record of kind 'dir' (no file records), which file_usage leaves out:
  // it counts here until a pinned object of the account counts it. The account's folders only (an index).
  const carFolders = cached<[number], { bytes: number }>(
    db,
    `SELECT COALESCE(SUM(f.size), 0) AS bytes FROM files f JOIN blobs b ON b.cid = f.cid AND b.format = 'car'
     WHERE f.account_id = ? AND f.kind = 'dir' AND NOT EXISTS
       (SELECT 1 FROM pins p WHERE p.account_id = f.account_id AND p.multihash = f.multihash AND p.status = 'pinned')`,
  )
  return {
    addPending: (key: string) =>
      prepare('INSERT INTO pending_uploads (object_key, started_at) VALUES (?, ?)').run(key, Date.now()),
    removePending: (key: string) => prepare('DELETE FROM pending_uploads WHERE object_key = ?').run(key),
    pendingKeys: () => all<{ object_key: string }>('SELECT object_key FROM pending_uploads').map((r) => r.object_key),
    blob: (cid: string) =>
      one<BlobRow>('SELECT cid, object_key, size, location, format FROM blobs WHERE cid = ?', cid),
    insertBlob: (b: BlobRow) =>
      prepare('INSERT INTO blobs (cid, object_key, size, created_at) VALUES (?, ?, ?, ?)').run(
        b.cid,
        b.object_key,
        b.size,
        Date.now(),
      ),
    deleteBlob: (cid: string) => prepare('DELETE FROM blobs WHERE cid = ?').run(cid),
    /** A blob nothing references any more: no file row and no folder entry. */
    isUnreferenced: (cid: string) =>
      !one('SELECT 1 FROM files WHERE cid = ? UNION ALL SELECT 1 FROM dir_entries WHERE cid = ? LIMIT 1', cid, cid),
    file: (accountId: number, cid: string) =>
      one<FileRow>('SELECT * FROM files WHERE account_id = ? AND cid = ?', accountId, cid),
    rowsByCid: (cid: string) => all<FileRow>('SELECT * FROM files WHERE cid = ? ORDER BY id', cid),
    rowsByMultihash: (multihash: string) =>
      all<FileRow>('SELECT * FROM files WHERE multihash = ? ORDER BY id', multihash),
    /** Pin objects of any account that keep this content (failed ones keep nothing). */
    pinCount: (multihash: string) =>
      one<{ n: number }>("SELECT COUNT(*) AS n FROM pins WHERE multihash = ? AND status != 'failed'", multihash)!.n,
    /** Inserts unless the account has this CID already; returns the account's row either way. */
    insertFile(f: NewFile, state: FileState): FileRow {
      prepare(
        `INSERT INTO files (account_id, cid, multihash, kind, name, path, size, mime, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, cid) DO NOTHING`,
      ).run(f.account_id, f.cid, f.multihash, f.kind, f.name, f.path, f.size, f.mime, state, f.created_at)
      return this.file(f.account_id, f.cid)!
    },
    deleteFile: (id: number) => prepare('DELETE FROM files WHERE id = ?').run(id),
    insertEntry: (dirCid: string, e: DirEntryRow) =>
      prepare('INSERT OR IGNORE INTO dir_entries (dir_cid, path, cid, size) VALUES (?, ?, ?, ?)').run(
        dirCid,
        e.path,
        e.cid,
        e.size,
      ),
    entries: (dirCid: string) =>
      all<DirEntryRow>('SELECT path, cid, size FROM dir_entries WHERE dir_cid = ? ORDER BY path', dirCid),
    deleteEntries: (dirCid: string) => prepare('DELETE FROM dir_entries WHERE dir_cid = ?').run(dirCid),
    /** The state of a CID (the same on all its rows), or undefined when no account uploaded it. */
    /** Private rows keep 'stored' and are left out: they never reach Kubo, whatever public copies do. */
    stateOf: (cid: string) =>
      one<{ state: FileState }>('SELECT state FROM files WHERE cid = ? AND private = 0 LIMIT 1', cid)?.state,
    setState: (cid: string, state: FileState) =>
      prepare('UPDATE files SET state = ? WHERE cid = ? AND private = 0').run(state, cid),
    cidsInState: (state: FileState) =>
      all<{ cid: string }>('SELECT DISTINCT cid FROM files WHERE state = ?', state).map((r) => r.cid),
    touch: (cid: string) =>
      prepare('UPDATE files SET views = views + 1, last_accessed_at = ? WHERE cid = ?').run(Date.now(), cid),
    /** Bytes of the account's uploads that its pin objects do not count already (an upload, once pinned, is
     *  also a pin object with the same size: pins.usageOf counts it, so it is left out here). */
    usageOf: (accountId: number) =>
      // A lookup: triggers keep the sum (migration 9), which a quota check (every POST) once computed here.
      (usage.get(accountId)?.bytes ?? 0) + (carFolders.get(accountId)?.bytes ?? 0),
    /** Whether an upload keeps this content pinned in Kubo (the pins domain must not unpin it then). */
    holdsInKubo: (multihash: string) =>
      Boolean(one("SELECT 1 FROM files WHERE multihash = ? AND state IN ('pinning', 'pinned') LIMIT 1", multihash)),
    /** The account's library: folders (one entry each) and files uploaded on their own, never the files
     *  inside a folder (they open from it). `q` matches the name or any part of a path, a folder's entries too.
     *  The state is the account's: 'pinned' only while the account has a pin object of the content. */
    list(q: ListQuery): { count: number; rows: FileRow[] } {
      const where = ['account_id = ?', "(kind = 'dir' OR path IS NULL)"]
      const args: unknown[] = [q.accountId]
      if (q.q) {
        where.push(
          `(instr(lower(name), lower(?)) > 0 OR instr(lower(coalesce(path, '')), lower(?)) > 0 OR (kind = 'dir' AND
            EXISTS (SELECT 1 FROM dir_entries e WHERE e.dir_cid = v.cid AND instr(lower(v.name || '/' || e.path), lower(?)) > 0)))`,
        )
        args.push(q.q, q.q, q.q)
      }
      if (q.state) {
        where.push('state = ?')
        args.push(q.state)
      }
      if (q.private !== undefined) {
        where.push('private = ?')
        args.push(q.private ? 1 : 0)
      }
      const clause = where.join(' AND ')
      const from = `(${ACCOUNT_VIEW}) v`
      const count = one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${from} WHERE ${clause}`, ...args)!.n
      // NULLs (never accessed) sort last either way; id breaks ties so pages never overlap.
      const col = SORT_COLUMN[q.sort]
      const dir = q.order === 'asc' ? 'ASC' : 'DESC'
      const rows = all<FileRow>(
        `SELECT * FROM ${from} WHERE ${clause} ORDER BY ${col} IS NULL, ${col} ${dir}, id ${dir} LIMIT ? OFFSET ?`,
        ...args,
        q.limit,
        q.offset,
      )
      return { count, rows }
    },
    /** One row as its account sees it (state from the account's pin objects, as in list()). */
    entry: (accountId: number, cid: string) =>
      one<FileRow>(`SELECT * FROM (${ACCOUNT_VIEW}) v WHERE account_id = ? AND cid = ?`, accountId, cid),
    /** The account's pin objects of this content (uploads' and its own PSA pins), by requestid. */
    pinsOf: (accountId: number, multihash: string) =>
      all<{ requestid: string; upload: number }>(
        `SELECT requestid, coalesce(json_extract(meta, '$.source') = 'tack-upload', 0) AS upload
           FROM pins WHERE account_id = ? AND multihash = ?`,
        accountId,
        multihash,
      ).map((r) => ({ requestid: r.requestid, upload: Boolean(r.upload) })),
    /** Forwarding targets that hold or are asked to hold this content. */
    forwardedTo: (multihash: string) =>
      one<{ n: number }>('SELECT COUNT(*) AS n FROM remote_pins WHERE multihash = ? AND want = 1', multihash)!.n,
    /** The account's folders that contain this content as an entry. */
    foldersWith: (accountId: number, cid: string) =>
      all<{ cid: string }>(
        `SELECT DISTINCT f.cid FROM files f JOIN dir_entries e ON e.dir_cid = f.cid
          WHERE f.account_id = ? AND f.kind = 'dir' AND e.cid = ?`,
        accountId,
        cid,
      ).map((r) => r.cid),
    /** IMMEDIATE: takes the write lock first, where the busy timeout applies (see db/group-commit.ts). */
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
  }
}

export type FilesRepo = ReturnType<typeof createFilesRepo>
