// The SQL of the pins domain: pin objects, the listing query (every filter served by an index that starts
// with the account), usage per account, the work queue, and the ledger of what Kubo holds for us.
import { randomUUID } from 'node:crypto'
import type { Status } from '../../../shared/psa.js'
import type { Db } from '../db/index.js'
import type { ListFilter, PinInput } from './query.js'

export interface PinRecord {
  requestid: string
  accountId: number
  cid: string
  multihash: string
  name?: string
  origins: string[]
  meta?: Record<string, string>
  status: Status
  /** ms since epoch, unique. */
  created: number
  deadline: number
  info: Record<string, string>
  dagSize?: number
  /** Multihash of the pin this one replaced; its data stays pinned until this one settles. */
  replaces?: string
}

interface Row {
  requestid: string
  account_id: number
  cid: string
  multihash: string
  name: string | null
  origins: string | null
  meta: string | null
  status: Status
  created_at: number
  deadline_at: number
  info: string | null
  dag_size: number | null
  replaces: string | null
}

const toRecord = (r: Row): PinRecord => ({
  requestid: r.requestid,
  accountId: r.account_id,
  cid: r.cid,
  multihash: r.multihash,
  name: r.name ?? undefined,
  origins: r.origins ? (JSON.parse(r.origins) as string[]) : [],
  meta: r.meta ? (JSON.parse(r.meta) as Record<string, string>) : undefined,
  status: r.status,
  created: r.created_at,
  deadline: r.deadline_at,
  info: r.info ? (JSON.parse(r.info) as Record<string, string>) : {},
  dagSize: r.dag_size ?? undefined,
  replaces: r.replaces ?? undefined,
})

export interface NewPin {
  accountId: number
  input: PinInput
  status: Status
  deadline: number
  info?: Record<string, string>
  dagSize?: number
  replaces?: string
}

/** The WHERE clause and its parameters for a listing; exported so a test can EXPLAIN every combination. */
export function listWhere(accountId: number, f: Omit<ListFilter, 'limit'>): { sql: string; params: unknown[] } {
  const clauses = ['account_id = ?', `status IN (${f.statuses.map(() => '?').join(',')})`]
  const params: unknown[] = [accountId, ...f.statuses]
  if (f.multihashes?.length) {
    clauses.push(`multihash IN (${f.multihashes.map(() => '?').join(',')})`)
    params.push(...f.multihashes)
  }
  if (f.name !== undefined) {
    const lower = f.match === 'iexact' || f.match === 'ipartial'
    const column = lower ? 'name_lower' : 'name'
    clauses.push(f.match === 'exact' || f.match === 'iexact' ? `${column} = ?` : `instr(${column}, ?) > 0`)
    params.push(lower ? f.name.toLowerCase() : f.name)
  }
  for (const [key, value] of Object.entries(f.meta ?? {})) {
    clauses.push('EXISTS (SELECT 1 FROM json_each(pins.meta) WHERE key = ? AND value = ?)')
    params.push(key, value)
  }
  if (f.before !== undefined) {
    clauses.push('created_at < ?')
    params.push(f.before)
  }
  if (f.after !== undefined) {
    clauses.push('created_at > ?')
    params.push(f.after)
  }
  return { sql: clauses.join(' AND '), params }
}

export type PinStore = ReturnType<typeof createPinStore>

export function createPinStore(db: Db) {
  const byRequestId = db.prepare<[string], Row>('SELECT * FROM pins WHERE requestid = ?')
  const maxCreated = db.prepare<[], { m: number | null }>('SELECT MAX(created_at) AS m FROM pins')
  const insertRow = db.prepare(
    `INSERT INTO pins (requestid, account_id, cid, multihash, name, name_lower, origins, meta, status, created_at,
       deadline_at, info, dag_size, replaces)
     VALUES (@requestid, @account_id, @cid, @multihash, @name, @name_lower, @origins, @meta, @status, @created_at,
       @deadline_at, @info, @dag_size, @replaces)`,
  )
  const deleteRow = db.prepare('DELETE FROM pins WHERE requestid = ?')
  const refs = db.prepare<[string, string], { n: number }>(
    `SELECT (SELECT COUNT(*) FROM pins WHERE multihash = ? AND status != 'failed')
          + (SELECT COUNT(*) FROM pins WHERE replaces = ? AND status IN ('queued', 'pinning')) AS n`,
  )
  const usage = db.prepare<[number], { n: number | null }>(
    "SELECT SUM(dag_size) AS n FROM pins WHERE account_id = ? AND status = 'pinned'",
  )

  const store = {
    /** Inserts a pin object with a fresh requestid and a unique created time (bumped by 1 ms on a collision). */
    insert(pin: NewPin): PinRecord {
      const requestid = randomUUID()
      const created = Math.max(Date.now(), (maxCreated.get()?.m ?? 0) + 1)
      const { input } = pin
      insertRow.run({
        requestid,
        account_id: pin.accountId,
        cid: input.cid.cid,
        multihash: input.cid.multihash,
        name: input.name ?? null,
        name_lower: input.name?.toLowerCase() ?? null,
        origins: input.origins.length ? JSON.stringify(input.origins) : null,
        meta: input.meta ? JSON.stringify(input.meta) : null,
        status: pin.status,
        created_at: created,
        deadline_at: pin.deadline,
        info: pin.info && Object.keys(pin.info).length ? JSON.stringify(pin.info) : null,
        dag_size: pin.dagSize ?? null,
        replaces: pin.replaces ?? null,
      })
      return store.get(requestid)!
    },
    get(requestid: string): PinRecord | undefined {
      const row = byRequestId.get(requestid)
      return row && toRecord(row)
    },
    delete(requestid: string): void {
      deleteRow.run(requestid)
    },
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    list(accountId: number, filter: ListFilter): { count: number; results: PinRecord[] } {
      const where = listWhere(accountId, filter)
      const count = db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM pins WHERE ${where.sql}`).get(...where.params)
      const rows = db
        .prepare<unknown[], Row>(`SELECT * FROM pins WHERE ${where.sql} ORDER BY created_at DESC LIMIT ?`)
        .all(...where.params, filter.limit)
      return { count: count?.n ?? 0, results: rows.map(toRecord) }
    },
    /** Pin objects that still need this content in Kubo (failed ones do not). */
    references: (multihash: string): number => refs.get(multihash, multihash)?.n ?? 0,
    usage: (accountId: number): number => usage.get(accountId)?.n ?? 0,
    /** The DAG size of content some object has pinned already, if any: Tack holds it. */
    heldSize: (multihash: string): number | undefined =>
      db
        .prepare<[string], { dag_size: number | null }>(
          "SELECT dag_size FROM pins WHERE multihash = ? AND status = 'pinned' LIMIT 1",
        )
        .get(multihash)?.dag_size ?? undefined,
    /** Queued and pinning objects, oldest first: the worker's queue. */
    pending(limit: number, skip: Set<string>): PinRecord[] {
      const rows = db
        .prepare<[number], Row>(
          "SELECT * FROM pins WHERE status IN ('queued', 'pinning') ORDER BY status, created_at LIMIT ?",
        )
        .all(limit + skip.size)
      return rows.filter((r) => !skip.has(r.requestid)).slice(0, limit).map(toRecord)
    },
    /** Position in the queue (1-based) of a queued object. */
    queuePosition(created: number): number {
      const row = db
        .prepare<[number], { n: number }>("SELECT COUNT(*) AS n FROM pins WHERE status = 'queued' AND created_at <= ?")
        .get(created)
      return row?.n ?? 0
    },
    update(requestid: string, change: { status?: Status; info?: Record<string, string>; dagSize?: number; deadline?: number }) {
      const values: Record<string, unknown> = {
        status: change.status,
        info: change.info && JSON.stringify(change.info),
        dag_size: change.dagSize,
        deadline_at: change.deadline,
      }
      const columns = Object.keys(values).filter((c) => values[c] !== undefined)
      if (!columns.length) return
      db.prepare(`UPDATE pins SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE requestid = ?`).run(
        ...columns.map((c) => values[c]),
        requestid,
      )
    },
    /** Ends the hold on the replaced content; returns its multihash. */
    settleReplace(requestid: string): string | undefined {
      const row = byRequestId.get(requestid)
      if (!row?.replaces) return undefined
      db.prepare('UPDATE pins SET replaces = NULL WHERE requestid = ?').run(requestid)
      return row.replaces
    },
    pinnedRecords: (): PinRecord[] =>
      db.prepare<[], Row>("SELECT * FROM pins WHERE status = 'pinned'").all().map(toRecord),
    ledger: {
      add: (multihash: string, cid: string) =>
        db.prepare('INSERT OR IGNORE INTO kubo_pins (multihash, cid) VALUES (?, ?)').run(multihash, cid),
      get: (multihash: string) =>
        db.prepare<[string], { cid: string }>('SELECT cid FROM kubo_pins WHERE multihash = ?').get(multihash)?.cid,
      remove: (multihash: string) => db.prepare('DELETE FROM kubo_pins WHERE multihash = ?').run(multihash),
      all: () => db.prepare<[], { multihash: string; cid: string }>('SELECT * FROM kubo_pins').all(),
    },
  }
  return store
}
