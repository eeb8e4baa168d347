// `count` stays exact under concurrent adds, deletes and status changes: a fast-check model run against the
// real SQLite store (Tack's migrations, its triggers). Two connections write the same file, as `tack serve`
// and the CLI do, interleaved in any order; after every step each account's count for every status set (the
// pin_counts lookup), a filtered count (the scan path), the page and the pinned bytes match the model.
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { STATUSES, type Status } from '../src/shared/psa.js'
import { openDb, type Db } from '../src/main/core/db/index.js'
import { createPinStore, type PinStore } from '../src/main/core/pins/store.js'
import { tempDir } from './fixtures/tmp.js'

interface ModelPin {
  requestid: string
  accountId: number
  status: Status
  name: string
  dagSize: number
  created: number
}

const dir = tempDir()
const ACCOUNTS = [1, 2, 3]
let dbs: Db[] = []

beforeAll(() => {
  dbs = [openDb(`${dir.path}/tack.db`), openDb(`${dir.path}/tack.db`)]
  for (const id of ACCOUNTS) dbs[0]!.prepare('INSERT INTO accounts (id, name, created_at) VALUES (?, ?, 0)').run(id, `a${id}`)
})
afterAll(() => {
  for (const db of dbs) db.close()
  dir.remove()
})

/** Every non-empty subset of the statuses, as a listing filter would name it. */
const SUBSETS: Status[][] = Array.from({ length: 15 }, (_, m) => STATUSES.filter((_, i) => (m + 1) & (1 << i)))

const status = fc.constantFrom(...STATUSES)
const step = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('add' as const), conn: fc.nat(1), account: fc.constantFrom(...ACCOUNTS), status, name: fc.constantFrom('a', 'b'), size: fc.nat(1000) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), conn: fc.nat(1), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('update' as const), conn: fc.nat(1), pick: fc.nat(), status, size: fc.option(fc.nat(1000), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('batch' as const), conn: fc.nat(1), account: fc.constantFrom(...ACCOUNTS), n: fc.integer({ min: 1, max: 20 }), rollback: fc.boolean() }) },
)

function check(store: PinStore, model: Map<string, ModelPin>) {
  const pins = [...model.values()]
  for (const accountId of ACCOUNTS) {
    const mine = pins.filter((p) => p.accountId === accountId)
    for (const statuses of SUBSETS) {
      const expected = mine.filter((p) => statuses.includes(p.status)).sort((a, b) => b.created - a.created)
      const listed = store.list(accountId, { statuses, match: 'exact', limit: 5 })
      expect(listed.count, `account ${accountId}, ${statuses.join(',')}`).toBe(expected.length)
      expect(listed.results.map((r) => r.requestid)).toEqual(expected.slice(0, 5).map((p) => p.requestid))
      const named = store.list(accountId, { statuses, name: 'a', match: 'exact', limit: 1 })
      expect(named.count).toBe(expected.filter((p) => p.name === 'a').length)
    }
    const pinnedBytes = mine.filter((p) => p.status === 'pinned').reduce((sum, p) => sum + p.dagSize, 0)
    expect(store.usage(accountId)).toBe(pinnedBytes)
  }
}

it('count, page and usage match a model under interleaved writes from two connections', () => {
  let seq = 0
  fc.assert(
    fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      for (const db of dbs) db.exec('DELETE FROM pins')
      const stores = dbs.map((db) => createPinStore(db))
      const model = new Map<string, ModelPin>()
      const nth = (pick: number) => [...model.values()][pick % model.size]
      const add = (store: PinStore, accountId: number, s: Status, name: string, size: number) => {
        const r = store.insert({
          accountId,
          input: { cid: { cid: `c${++seq}`, multihash: `aa${seq}`, identity: false, inlineSize: 0 }, name, origins: [] },
          status: s,
          deadline: 0,
          dagSize: size,
        })
        return { requestid: r.requestid, accountId, status: s, name, dagSize: size, created: r.created }
      }
      for (const s of steps) {
        const store = stores[s.conn]!
        if (s.kind === 'add') {
          const p = add(store, s.account, s.status, s.name, s.size)
          model.set(p.requestid, p)
        } else if (s.kind === 'delete' && model.size) {
          const p = nth(s.pick)!
          store.delete(p.requestid)
          model.delete(p.requestid)
        } else if (s.kind === 'update' && model.size) {
          const p = nth(s.pick)!
          store.update(p.requestid, { status: s.status, dagSize: s.size })
          p.status = s.status
          if (s.size !== undefined) p.dagSize = s.size
        } else if (s.kind === 'batch') {
          // A transaction that adds several and, half the time, rolls back: the counts roll back with it.
          const added: ModelPin[] = []
          try {
            store.transaction(() => {
              for (let i = 0; i < s.n; i++) added.push(add(store, s.account, STATUSES[i % 4]!, 'b', i))
              if (s.rollback) throw new Error('rollback')
            })
            for (const p of added) model.set(p.requestid, p)
          } catch (err) {
            if ((err as Error).message !== 'rollback') throw err
          }
        }
        check(stores[1 - s.conn]!, model)
      }
      check(stores[0]!, model)
    }),
    { numRuns: 30 },
  )
})

it('the counts survive a delete of the account (cascade) and match a recount', () => {
  const db = dbs[0]!
  const store = createPinStore(db)
  db.prepare('INSERT INTO accounts (id, name, created_at) VALUES (9, ?, 0)').run('gone')
  for (let i = 0; i < 10; i++)
    store.insert({ accountId: 9, input: { cid: { cid: `g${i}`, multihash: `bb${i}`, identity: false, inlineSize: 0 }, origins: [] }, status: 'pinned', deadline: 0, dagSize: 3 })
  expect(store.list(9, { statuses: ['pinned'], match: 'exact', limit: 1 }).count).toBe(10)
  db.prepare('DELETE FROM accounts WHERE id = 9').run()
  expect(store.list(9, { statuses: [...STATUSES], match: 'exact', limit: 1 }).count).toBe(0)
  expect(store.usage(9)).toBe(0)
  const recount = db
    .prepare('SELECT account_id, status, COUNT(*) AS n, COALESCE(SUM(dag_size), 0) AS bytes FROM pins GROUP BY 1, 2')
    .all() as Array<{ account_id: number; status: string; n: number; bytes: number }>
  const counted = db.prepare('SELECT account_id, status, n, bytes FROM pin_counts WHERE n != 0').all()
  expect(counted).toEqual(expect.arrayContaining(recount))
  expect(counted).toHaveLength(recount.length)
})
