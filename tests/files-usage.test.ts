// An account's upload usage (files/repo.ts usageOf) is a lookup kept by triggers (migration 9). Its meaning
// is the sum of the account's uploaded files that none of its pinned pin objects counts already; a fast-check
// model drives random uploads, deletes and pin changes (every status, several objects per content, statements
// that change several rows) through the real SQLite schema and compares the lookup with that sum after every
// step. A repo migrated from version 8 with data in it starts with the same figures.
import fc from 'fast-check'
import { afterAll, expect, it } from 'vitest'
import { MIGRATIONS } from '../src/main/core/db/migrations.js'
import { migrate, openDb, type Db } from '../src/main/core/db/index.js'
import { createFilesRepo } from '../src/main/core/files/repo.js'
import { STATUSES } from '../src/shared/psa.js'
import { tempDir } from './fixtures/tmp.js'

const dir = tempDir()
afterAll(() => dir.remove())
const ACCOUNTS = [1, 2]
const CONTENT = ['aa', 'bb', 'cc']

/** The definition: what usageOf summed before migration 9. */
const summed = (db: Db, accountId: number) =>
  db
    .prepare<[number], { bytes: number | null }>(
      `SELECT SUM(size) AS bytes FROM files f WHERE account_id = ? AND kind = 'file' AND NOT EXISTS
         (SELECT 1 FROM pins p WHERE p.account_id = f.account_id AND p.multihash = f.multihash AND p.status = 'pinned')`,
    )
    .get(accountId)?.bytes ?? 0

let serial = 0
function addFile(db: Db, accountId: number, multihash: string, size: number, kind: 'file' | 'dir') {
  const n = ++serial
  db.prepare(
    `INSERT INTO files (account_id, cid, multihash, kind, name, size, mime, state, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'application/octet-stream', 'stored', ?)`,
  ).run(accountId, `cid-${n}`, multihash, kind, `f${n}`, size, n)
}
function addPin(db: Db, accountId: number, multihash: string, status: string) {
  const n = ++serial
  db.prepare(
    `INSERT INTO pins (requestid, account_id, cid, multihash, status, created_at, deadline_at, dag_size)
     VALUES (?, ?, ?, ?, ?, ?, 0, 10)`,
  ).run(`r${n}`, accountId, `cid-${multihash}`, multihash, status, n)
}
const ids = (db: Db, table: string) => db.prepare<[], { id: number }>(`SELECT id FROM ${table} ORDER BY id`).all().map((r) => r.id)

const account = fc.constantFrom(...ACCOUNTS)
const content = fc.constantFrom(...CONTENT)
const status = fc.constantFrom(...STATUSES)
const step = fc.oneof(
  fc.record({ op: fc.constant('file' as const), account, content, size: fc.nat(1000), dir: fc.boolean() }),
  fc.record({ op: fc.constant('rmFile' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('resize' as const), pick: fc.nat(), size: fc.nat(1000) }),
  fc.record({ op: fc.constant('pin' as const), account, content, status }),
  fc.record({ op: fc.constant('rmPin' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('status' as const), pick: fc.nat(), status }),
  // One statement over every object of a content (as reconciliation requeues): several rows change at once.
  fc.record({ op: fc.constant('statusAll' as const), content, from: status, to: status }),
)

it('usage is the sum of the files no pinned object counts, after every step of any sequence', () => {
  let round = 0
  fc.assert(
    fc.property(fc.array(step, { minLength: 20, maxLength: 60 }), (steps) => {
      const db = openDb(`${dir.path}/model-${round++}.db`)
      try {
        for (const id of ACCOUNTS) db.prepare('INSERT INTO accounts (id, name, created_at) VALUES (?, ?, 0)').run(id, `a${id}`)
        const repo = createFilesRepo(db)
        for (const s of steps) {
          const pick = (table: string, i: number) => {
            const all = ids(db, table)
            return all.length ? all[i % all.length] : undefined
          }
          if (s.op === 'file') addFile(db, s.account, s.content, s.size, s.dir ? 'dir' : 'file')
          else if (s.op === 'pin') addPin(db, s.account, s.content, s.status)
          else if (s.op === 'rmFile') db.prepare('DELETE FROM files WHERE id = ?').run(pick('files', s.pick) ?? -1)
          else if (s.op === 'resize') db.prepare('UPDATE files SET size = ? WHERE id = ?').run(s.size, pick('files', s.pick) ?? -1)
          else if (s.op === 'rmPin') db.prepare('DELETE FROM pins WHERE id = ?').run(pick('pins', s.pick) ?? -1)
          else if (s.op === 'status') db.prepare('UPDATE pins SET status = ? WHERE id = ?').run(s.status, pick('pins', s.pick) ?? -1)
          else db.prepare('UPDATE pins SET status = ? WHERE multihash = ? AND status = ?').run(s.to, s.content, s.from)
          for (const id of ACCOUNTS) expect(repo.usageOf(id), `account ${id} after ${JSON.stringify(s)}`).toBe(summed(db, id))
        }
        // An account's figure goes with it, so a later account reusing its id starts from nothing.
        db.prepare('DELETE FROM accounts WHERE id = ?').run(2)
        expect(repo.usageOf(2)).toBe(0)
      } finally {
        db.close()
      }
    }),
    { numRuns: 200 },
  )
})

it('a data dir migrated from version 8 starts with the figures the sum gives', () => {
  const db = openDb(`${dir.path}/v8.db`, MIGRATIONS.filter((m) => m.version <= 8))
  try {
    for (const id of ACCOUNTS) db.prepare('INSERT INTO accounts (id, name, created_at) VALUES (?, ?, 0)').run(id, `a${id}`)
    addFile(db, 1, 'aa', 100, 'file')
    addFile(db, 1, 'bb', 200, 'file')
    addFile(db, 1, 'cc', 999, 'dir')
    addPin(db, 1, 'bb', 'pinned')
    addFile(db, 2, 'bb', 50, 'file')
    const before = ACCOUNTS.map((id) => summed(db, id))
    expect(before).toEqual([100, 50])
    migrate(db, MIGRATIONS)
    expect(ACCOUNTS.map((id) => createFilesRepo(db).usageOf(id))).toEqual(before)
  } finally {
    db.close()
  }
})

it("the triggers' lookups by account and content search pins by content, with or without ANALYZE", () => {
  const db = openDb(`${dir.path}/plans.db`)
  try {
    db.prepare('INSERT INTO accounts (id, name, created_at) VALUES (1, ?, 0)').run('big')
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) {
        addPin(db, 1, `m${i}`, 'pinned')
        addFile(db, 1, `m${i}`, 10, 'file')
      }
    })()
    // Every lookup in the triggers' bodies, as stored, with NEW./OLD. values filled in.
    const bodies = db
      .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'file_usage_%'")
      .all()
    const lookups = bodies.flatMap((b) =>
      [...b.sql.matchAll(/\((SELECT (?:COUNT\(\*\)|1|COALESCE\(SUM\(size\), 0\)) FROM (pins|files) WHERE [^)]*)\)/g)].map((m) => ({
        table: m[2]!,
        sql: m[1]!.replace(/(NEW|OLD)\.account_id/g, '1').replace(/(NEW|OLD)\.multihash/g, "'m1'"),
      })),
    )
    expect(lookups.length).toBeGreaterThanOrEqual(8)
    const plans = () =>
      lookups.map(({ table, sql }) => ({
        table,
        plan: db.prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all().map((r) => r.detail).join(' | '),
      }))
    for (const { table, plan } of plans()) expect(plan).toMatch(new RegExp(`USING INDEX ${table}_multihash`))
    db.exec('ANALYZE')
    for (const { table, plan } of plans()) expect(plan).toMatch(new RegExp(`USING INDEX ${table}_multihash`))
  } finally {
    db.close()
  }
})
