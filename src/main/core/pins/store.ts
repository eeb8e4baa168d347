// The SQL of the pins domain: pin objects, the listing query (every filter served by an index that starts
// with the account), usage per account, the work queue, and the ledger of what Kubo holds for us.
// Counts and pinned bytes per (account, status) come from pin_counts, which triggers keep exact in the same
// transaction as every change (migration 6). Every statement is prepared once and cached here: preparing
// was a fifth of the CPU of a listing.
import { randomUUID } from 'node:crypto'
import type { Status } from '../../../shared/psa.js'
import type { Db } from '../db/index.js'
import { cached } from '../db/statements.js'
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

/** The WHERE clause and its parameters for a listing; exported so a test can EXPLAIN every combination.
 *  With `status`, only that status matches (one arm of a page, see list()). `driven`: a partial name or a
 *  meta entry names the candidates (from an index of their own), and the account's index is kept out. */
export function listWhere(
  accountId: number,
  f: Omit<ListFilter, 'limit'>,
  status?: Status,
): { sql: string; params: unknown[]; driven: boolean } {
  const statuses = status ? [status] : f.statuses
  const clauses = ['account_id = ?', statuses.length === 1 ? 'status = ?' : `status IN (${statuses.map(() => '?').join(',')})`]
  const params: unknown[] = [accountId, ...statuses]
  let driven = false
  if (f.multihashes?.length) {
    clauses.push(`multihash IN (${f.multihashes.map(() => '?').join(',')})`)
    params.push(...f.multihashes)
  }
  if (f.name !== undefined) {
    const lower = f.match === 'iexact' || f.match === 'ipartial'
    if (f.match === 'exact') {
      // No index of its own: name_lower's finds the few candidates (migration 8).
      clauses.push('name_lower = ? AND name = ?')
      params.push(f.name.toLowerCase(), f.name)
    } else {
      const column = lower ? 'name_lower' : 'name'
      const needle = lower ? f.name.toLowerCase() : f.name
      // A partial name of 3 characters or more takes its candidates from the trigram index (migration 12);
      // instr() then keeps the comparison exact. Shorter ones have no trigram and scan the account's names.
      if (f.match !== 'iexact' && [...needle].length >= 3) {
        driven = true
        clauses.push('id IN (SELECT rowid FROM pin_names WHERE pin_names MATCH ?)')
        params.push(`{${column}} : "${needle.replaceAll('"', '""')}"`)
      }
      clauses.push(f.match === 'iexact' ? `${column} = ?` : `instr(${column}, ?) > 0`)
      params.push(needle)
    }
  }
  // Each meta entry by its index (pin_meta, migration 12); json_each over every pin's meta was a scan.
  for (const [key, value] of Object.entries(f.meta ?? {})) {
    clauses.push('created_at IN (SELECT created_at FROM pin_meta WHERE account_id = ? AND key = ? AND value = ?)')
    params.push(accountId, key, value)
    driven = true
  }
  if (f.before !== undefined) {
    clauses.push('created_at < ?')
    params.push(f.before)
  }
  if (f.after !== undefined) {
    clauses.push('created_at > ?')
    params.push(f.after)
  }
  if (driven) {
    // The unary + keeps SQLite off the account's index: walking it and probing each pin took 190 ms (a
    // partial name) at 1M pins, where the trigram index yields its candidates in under a millisecond.
    clauses[0] = `+${clauses[0]}`
    clauses[1] = `+${clauses[1]}`
  }
  return { sql: clauses.join(' AND '), params, driven }
}

/** Whether a listing filters by status alone: then its count is a lookup in pin_counts. */
const statusOnly = (f: Omit<ListFilter, 'limit'>) =>
  !f.multihashes?.length && f.name === undefined && !f.meta && f.before === undefined && f.after === undefined

/** Whether a listing filters by status and created time only: then its count sums time buckets. */
const timeOnly = (f: Omit<ListFilter, 'limit'>) =>
  !f.multihashes?.length && f.name === undefined && !f.meta && (f.before !== undefined || f.after !== undefined)

/** Bucket widths of pin_time_counts (migration 12), as powers of two of a millisecond. */
const FINE = 2 ** 12
const COARSE = 2 ** 22

/**
 * The SQL and parameters of "pins of the account in these statuses created before t", exact, without walking
 * the account: the coarse buckets before t's, the fine buckets of t's coarse bucket before t's fine one, and
 * the pins of t's fine bucket before t (at most 4096 per status: created_at is unique).
 */
export function countBefore(accountId: number, statuses: Status[], t: number): { sql: string; params: unknown[] } {
  const marks = statuses.map(() => '?').join(',')
  const fine = Math.floor(t / FINE)
  const coarse = Math.floor(t / COARSE)
  const sum = (range: string) =>
    `(SELECT COALESCE(SUM(n), 0) FROM pin_time_counts WHERE account_id = ? AND status IN (${marks}) AND ${range})`
  return {
    sql: [
      sum('level = 22 AND bucket < ?'),
      sum('level = 12 AND bucket >= ? AND bucket < ?'),
      `(SELECT COUNT(*) FROM pins WHERE account_id = ? AND status IN (${marks}) AND created_at >= ? AND created_at < ?)`,
    ].join(' + '),
    params: [
      ...[accountId, ...statuses, coarse],
      ...[accountId, ...statuses, coarse * (COARSE / FINE), fine],
      ...[accountId, ...statuses, fine * FINE, t],
    ],
  }
}

/** The info keys of an object's timeline (ISO times), kept by update(). */
const TIMELINE = ['started_at', 'settled_at'] as const
const pick = (info: Record<string, string>, keys: readonly string[]) =>
  Object.fromEntries(Object.entries(info).filter(([k]) => keys.includes(k))) as Record<string, string>
const omit = (info: Record<string, string>, keys: readonly string[]) =>
  Object.fromEntries(Object.entries(info).filter(([k]) => !keys.includes(k)))

export type PinStore = ReturnType<typeof createPinStore>

export function createPinStore(db: Db) {
  // Statements whose SQL depends on the request (how many statuses, CIDs, meta keys) are kept by SQL text.
  const prepared = <P extends unknown[] = unknown[], R = unknown>(sql: string) => cached<P, R>(db, sql)
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
    "SELECT bytes AS n FROM pin_counts WHERE account_id = ? AND status = 'pinned'",
  )
  const pendingCount = db.prepare<[number], { n: number }>(
    "SELECT COALESCE(SUM(n), 0) AS n FROM pin_counts WHERE account_id = ? AND status IN ('queued', 'pinning')",
  )
  const heldSize = db.prepare<[string], { dag_size: number | null }>(
    // Sized rows only: an object of an account without a quota reads pinned a moment before its size is
    // written (fetch-job.ts).
    "SELECT dag_size FROM pins WHERE multihash = ? AND status = 'pinned' AND dag_size IS NOT NULL LIMIT 1",
  )
  const pending = db.prepare<[number], Row>(
    "SELECT * FROM pins WHERE status IN ('queued', 'pinning') ORDER BY status, created_at LIMIT ?",
  )
  // Position = every queued object minus those queued after this one: the total is a lookup in pin_counts
  // and the newer ones are few for the young objects clients ask about (a POST's answer has none), where
  // counting the older ones grew with the queue on every POST.
  const queuePosition = db.prepare<[number], { n: number }>(
    `SELECT (SELECT COALESCE(SUM(n), 0) FROM pin_counts WHERE status = 'queued')
          - (SELECT COUNT(*) FROM pins WHERE status = 'queued' AND created_at > ?) AS n`,
  )
  const clearReplaces = db.prepare('UPDATE pins SET replaces = NULL WHERE requestid = ?')
  const pinnedRows = db.prepare<[], Row>("SELECT * FROM pins WHERE status = 'pinned'")
  const pinnedOf = db.prepare<[string], Row>("SELECT * FROM pins WHERE multihash = ? AND status = 'pinned'")
  const ledgerBatch = db.prepare<[string, number], { multihash: string }>(
    'SELECT multihash FROM kubo_pins WHERE multihash > ? ORDER BY multihash LIMIT ?',
  )
  const requeueUnsized = db.prepare<[number, string]>(
    "UPDATE pins SET status = 'queued', deadline_at = ?, info = ? WHERE status = 'pinned' AND dag_size IS NULL",
  )
  const requeue = db.prepare<[number, string, string]>(
    "UPDATE pins SET status = 'queued', deadline_at = ?, info = ? WHERE multihash = ? AND status = 'pinned'",
  )
  const orphans = db.prepare<[], { multihash: string }>(
    `SELECT k.multihash FROM kubo_pins k
     WHERE NOT EXISTS (SELECT 1 FROM pins WHERE multihash = k.multihash AND status != 'failed')
       AND NOT EXISTS (SELECT 1 FROM pins WHERE replaces = k.multihash AND status IN ('queued', 'pinning'))`,
  )
  const ledgerAdd = db.prepare('INSERT OR IGNORE INTO kubo_pins (multihash, cid) VALUES (?, ?)')
  const ledgerGet = db.prepare<[string], { cid: string }>('SELECT cid FROM kubo_pins WHERE multihash = ?')
  const ledgerRemove = db.prepare('DELETE FROM kubo_pins WHERE multihash = ?')
  const ledgerAll = db.prepare<[], { multihash: string; cid: string }>('SELECT * FROM kubo_pins')

  const countOf = (accountId: number, filter: Omit<ListFilter, 'limit'>): number => {
    if (statusOnly(filter)) {
      const marks = filter.statuses.map(() => '?').join(',')
      const sql = `SELECT COALESCE(SUM(n), 0) AS n FROM pin_counts WHERE account_id = ? AND status IN (${marks})`
      return prepared<unknown[], { n: number }>(sql).get(accountId, ...filter.statuses)?.n ?? 0
    }
    if (timeOnly(filter)) {
      // created_at in [from, to): (pins before `to`) - (pins before `from`); an open end is every pin / none.
      const marks = filter.statuses.map(() => '?').join(',')
      const all = {
        sql: `(SELECT COALESCE(SUM(n), 0) FROM pin_counts WHERE account_id = ? AND status IN (${marks}))`,
        params: [accountId, ...filter.statuses],
      }
      const upper = filter.before === undefined ? all : countBefore(accountId, filter.statuses, filter.before)
      const lower = filter.after === undefined ? { sql: '0', params: [] } : countBefore(accountId, filter.statuses, filter.after + 1)
      const sql = `SELECT MAX(0, (${upper.sql}) - (${lower.sql})) AS n`
      return prepared<unknown[], { n: number }>(sql).get(...upper.params, ...lower.params)?.n ?? 0
    }
    // Other filters count by a search, bounded by an index that starts with the account (or the name
    // trigrams, or the meta entries).
    const where = listWhere(accountId, filter)
    return prepared<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM pins WHERE ${where.sql}`).get(...where.params)?.n ?? 0
  }

  /** The newest `limit` matches. One index range scan per status, newest first, merged: `status IN (...)`
   *  with ORDER BY would sort every match of the account. */
  const pageOf = (accountId: number, filter: ListFilter): Row[] => {
    const arm = (sql: string) => `SELECT * FROM pins WHERE ${sql} ORDER BY created_at DESC LIMIT ?`
    // Candidates named by their own index (a partial name, meta) come in one query: an arm per status would
    // fetch them once per status.
    const whole = listWhere(accountId, filter)
    if (whole.driven) return prepared<unknown[], Row>(arm(whole.sql)).all(...whole.params, filter.limit)
    const arms = filter.statuses.map((status) => listWhere(accountId, filter, status))
    if (arms.length === 1) return prepared<unknown[], Row>(arm(arms[0]!.sql)).all(...arms[0]!.params, filter.limit)
    const sql = `${arms.map((a) => `SELECT * FROM (${arm(a.sql)})`).join(' UNION ALL ')} ORDER BY created_at DESC LIMIT ?`
    return prepared<unknown[], Row>(sql).all(...arms.flatMap((a) => [...a.params, filter.limit]), filter.limit)
  }

  const store = {
    /** Inserts a pin object with a fresh requestid and a unique created time (bumped by 1 ms on a collision). */
    insert(pin: NewPin): PinRecord {
      const requestid = randomUUID()
      const created = Math.max(Date.now(), (maxCreated.get()?.m ?? 0) + 1)
      const { input } = pin
      const info = pin.info && Object.keys(pin.info).length ? pin.info : undefined
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
        info: info ? JSON.stringify(info) : null,
        dag_size: pin.dagSize ?? null,
        replaces: pin.replaces ?? null,
      })
      // The record as a read would return it, without reading it back.
      return {
        requestid,
        accountId: pin.accountId,
        cid: input.cid.cid,
        multihash: input.cid.multihash,
        name: input.name,
        origins: [...input.origins],
        meta: input.meta ? { ...input.meta } : undefined,
        status: pin.status,
        created,
        deadline: pin.deadline,
        info: info ? { ...info } : {},
        dagSize: pin.dagSize,
        replaces: pin.replaces,
      }
    },
    get(requestid: string): PinRecord | undefined {
      const row = byRequestId.get(requestid)
      return row && toRecord(row)
    },
    delete(requestid: string): void {
      deleteRow.run(requestid)
    },
    /** IMMEDIATE: takes the write lock first, where the busy timeout applies (see db/group-commit.ts). */
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    list(accountId: number, filter: ListFilter): { count: number; results: PinRecord[] } {
      return { count: countOf(accountId, filter), results: pageOf(accountId, filter).map(toRecord) }
    },
    /** Pin objects that still need this content in Kubo (failed ones do not). */
    references: (multihash: string): number => refs.get(multihash, multihash)?.n ?? 0,
    /** The account's objects queued or pinning (a lookup in pin_counts). */
    pendingCount: (accountId: number): number => pendingCount.get(accountId)?.n ?? 0,
    /** Bytes of the account's pinned DAGs (a lookup: pin_counts keeps the sum). */
    usage: (accountId: number): number => usage.get(accountId)?.n ?? 0,
    /** The DAG size of content some object has pinned already, if any: Tack holds it. */
    heldSize: (multihash: string): number | undefined => heldSize.get(multihash)?.dag_size ?? undefined,
    /** Queued and pinning objects, oldest first: the worker's queue. */
    pending(limit: number, skip: Set<string>): PinRecord[] {
      const rows = pending.all(limit + skip.size)
      return rows.filter((r) => !skip.has(r.requestid)).slice(0, limit).map(toRecord)
    },
    /** Position in the queue (1-based) of a queued object. */
    queuePosition: (created: number): number => queuePosition.get(created)?.n ?? 0,
    /** Changes an object. Its timeline (info.started_at, info.settled_at) survives every rewrite of its info:
     *  it starts when the object first leaves the queue and ends when it settles; `restart` (a retry) clears it. */
    update(
      requestid: string,
      change: { status?: Status; info?: Record<string, string>; dagSize?: number; deadline?: number; restart?: boolean },
    ) {
      let info = change.info
      if (change.status !== undefined || info !== undefined) {
        const prior = byRequestId.get(requestid)
        const before = prior?.info ? (JSON.parse(prior.info) as Record<string, string>) : {}
        const timeline = change.restart ? {} : pick(before, TIMELINE)
        const now = new Date().toISOString()
        if (change.status === 'pinning' && !timeline.started_at) timeline.started_at = now
        if ((change.status === 'pinned' || change.status === 'failed') && change.status !== prior?.status) {
          timeline.started_at ??= now
          timeline.settled_at = now
        }
        info = { ...omit(info ?? before, TIMELINE), ...timeline }
      }
      const values: Record<string, unknown> = {
        status: change.status,
        info: info && JSON.stringify(info),
        dag_size: change.dagSize,
        deadline_at: change.deadline,
      }
      const columns = Object.keys(values).filter((c) => values[c] !== undefined)
      if (!columns.length) return
      prepared(`UPDATE pins SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE requestid = ?`).run(
        ...columns.map((c) => values[c]),
        requestid,
      )
    },
    /** Ends the hold on the replaced content; returns its multihash. */
    settleReplace(requestid: string): string | undefined {
      const row = byRequestId.get(requestid)
      if (!row?.replaces) return undefined
      clearReplaces.run(requestid)
      return row.replaces
    },
    pinnedRecords: (): PinRecord[] => pinnedRows.all().map(toRecord),
    /** The pinned objects of one content, of every account. */
    pinnedOf: (multihash: string): PinRecord[] => pinnedOf.all(multihash).map(toRecord),
    /** Back to the queue, every object of this content still pinned: Kubo lacks it. Returns how many. */
    requeue: (multihash: string, deadline: number, info: Record<string, string>): number =>
      requeue.run(deadline, JSON.stringify(info), multihash).changes,
    /** Back to the queue, every pinned object whose size was never written (a stop or crash between an
     *  account without a quota settling and its size arriving; fetch-job.ts): the fetch finds the content
     *  pinned and only sizes it. Returns how many. */
    requeueUnsized: (deadline: number, info: Record<string, string>): number =>
      requeueUnsized.run(deadline, JSON.stringify(info)).changes,
    /** Ledger entries that no pin object references any more. */
    orphans: (): string[] => orphans.all().map((r) => r.multihash),
    ledger: {
      add: (multihash: string, cid: string) => ledgerAdd.run(multihash, cid),
      get: (multihash: string) => ledgerGet.get(multihash)?.cid,
      remove: (multihash: string) => ledgerRemove.run(multihash),
      all: () => ledgerAll.all(),
      /** Ledger multihashes after `after` in order, a page at a time (reconciliation walks without loading all). */
      batch: (after: string, limit: number) => ledgerBatch.all(after, limit).map((r) => r.multihash),
    },
  }
  return store
}
