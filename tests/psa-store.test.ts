// Listing stays fast with many pins: for every combination of filters, SQLite's plan uses an index that
// starts with the account, and never scans the whole pins table. Real SQLite with Tack's migrations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../src/main/core/db/index.js'
import { parseListQuery } from '../src/main/core/pins/query.js'
import { createPinStore, listWhere } from '../src/main/core/pins/store.js'
import { tempDir } from './fixtures/tmp.js'

let db: Db
const dir = tempDir()

beforeAll(() => {
  db = openDb(`${dir.path}/tack.db`)
  const accounts = db.prepare('INSERT INTO accounts (name, created_at) VALUES (?, ?)')
  for (let a = 0; a < 20; a++) accounts.run(`account-${a}`, Date.now())
  const store = createPinStore(db)
  const statuses = ['queued', 'pinning', 'pinned', 'failed'] as const
  // Enough rows that SQLite's planner sees a real table (ANALYZE gives it statistics).
  store.transaction(() => {
    for (let i = 0; i < 5000; i++) {
      store.insert({
        accountId: (i % 20) + 1,
        input: {
          cid: { cid: `bafk${i}`, multihash: (i % 500).toString(16).padStart(8, '0'), identity: false, inlineSize: 0 },
          name: `file-${i % 100}`,
          origins: [],
          meta: { app: `app-${i % 7}` },
        },
        status: statuses[i % 4]!,
        deadline: Date.now(),
      })
    }
  })
  db.exec('ANALYZE')
})
afterAll(() => {
  db.close()
  dir.remove()
})

const FILTERS: Record<string, string> = {
  cid: 'cid=bafkqaaa,bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354',
  name: 'name=file-1',
  meta: 'meta=' + encodeURIComponent('{"app":"app-1"}'),
  before: 'before=2099-01-01T00:00:00Z',
  after: 'after=2000-01-01T00:00:00Z',
  status: 'status=queued,pinned',
}
const MATCHES = ['exact', 'iexact', 'partial', 'ipartial']

function combinations(): string[] {
  const keys = Object.keys(FILTERS)
  const out: string[] = []
  for (let mask = 0; mask < 1 << keys.length; mask++) {
    const parts = keys.filter((_, i) => mask & (1 << i)).map((k) => FILTERS[k]!)
    const matches = parts.some((p) => p.startsWith('name=')) ? MATCHES : ['exact']
    for (const match of matches) out.push([...parts, `match=${match}`].join('&'))
  }
  return out
}

function plan(sql: string, params: unknown[]): string[] {
  return db
    .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...params)
    .map((r) => r.detail)
}

describe('listing query plans', () => {
  const all = combinations()

  it(`covers ${all.length} filter combinations`, () => {
    expect(all.length).toBe(2 ** 6 + 2 ** 5 * 3)
  })

  it.each(all)('GET /pins?%s searches by index, never scans the table', (query) => {
    const filter = parseListQuery(Object.fromEntries(new URLSearchParams(query)))
    const where = listWhere(7, filter)
    const listing = plan(`SELECT * FROM pins WHERE ${where.sql} ORDER BY created_at DESC LIMIT ?`, [...where.params, 10])
    const count = plan(`SELECT COUNT(*) AS n FROM pins WHERE ${where.sql}`, where.params)
    for (const line of [...listing, ...count]) expect(line, `${query}\n${listing.join('\n')}`).not.toMatch(/^SCAN pins\b/)
    expect(listing.some((l) => /^SEARCH pins USING (COVERING )?INDEX/.test(l))).toBe(true)
  })

  it('uses indexes for refcounts, usage and the queue', () => {
    const store = createPinStore(db)
    for (const [sql, params] of [
      ["SELECT COUNT(*) FROM pins WHERE multihash = ? AND status != 'failed'", ['00000001']],
      ["SELECT COUNT(*) FROM pins WHERE replaces = ? AND status IN ('queued', 'pinning')", ['00000001']],
      ["SELECT SUM(dag_size) FROM pins WHERE account_id = ? AND status = 'pinned'", [1]],
      ["SELECT * FROM pins WHERE status IN ('queued', 'pinning') ORDER BY status, created_at LIMIT ?", [4]],
      ["SELECT dag_size FROM pins WHERE multihash = ? AND status = 'pinned' LIMIT 1", ['00000001']],
    ] as const) {
      for (const line of plan(sql, [...params])) expect(line, sql).not.toMatch(/^SCAN pins\b/)
    }
    expect(store.pending(4, new Set())).toHaveLength(4)
  })
})
