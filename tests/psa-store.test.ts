// Listing stays fast with many pins: for every combination of filters, SQLite's plan uses an index (one that
// starts with the account, or the name trigrams or meta entries of migration 12), and never scans a table. Real SQLite with Tack's migrations, and the
// store's own statements: the store runs on a recording view of the database, and each statement it ran is
// explained with the parameters it ran with (a copy of its SQL here could drift from what it runs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../src/main/core/db/index.js'
import { parseListQuery } from '../src/main/core/pins/query.js'
import { createPinStore } from '../src/main/core/pins/store.js'
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

interface Executed {
  sql: string
  params: unknown[]
}

/** `db` as the store sees it, recording every statement it runs and the parameters it runs it with. */
function recording(target: Db): { db: Db; executed: Executed[] } {
  const executed: Executed[] = []
  const RUNS = new Set<PropertyKey>(['get', 'all', 'run', 'iterate'])
  const bound = <T extends object>(object: T, prop: PropertyKey) => {
    const value = Reflect.get(object, prop, object)
    return typeof value === 'function' ? value.bind(object) : value
  }
  const view = new Proxy(target, {
    get(db, prop) {
      if (prop !== 'prepare') return bound(db, prop)
      return (sql: string) =>
        new Proxy(db.prepare(sql), {
          get(statement, p) {
            const value = bound(statement, p)
            if (!RUNS.has(p)) return value
            return (...params: unknown[]) => {
              executed.push({ sql, params })
              return value(...params)
            }
          },
        })
    },
  })
  return { db: view, executed }
}

/** Runs `fn` against a store on a recording view and returns the statements it ran. */
function statementsOf(fn: (store: ReturnType<typeof createPinStore>) => unknown): Executed[] {
  const { db: view, executed } = recording(db)
  const store = createPinStore(view)
  executed.length = 0
  fn(store)
  return [...executed]
}

describe('listing query plans', () => {
  const all = combinations()

  it(`covers ${all.length} filter combinations`, () => {
    expect(all.length).toBe(2 ** 6 + 2 ** 5 * 3)
  })

  it.each(all)('GET /pins?%s searches by index, never scans the table', (query) => {
    const filter = parseListQuery(Object.fromEntries(new URLSearchParams(query)))
    const ran = statementsOf((store) => store.list(7, filter))
    // The count and the page.
    expect(ran).toHaveLength(2)
    for (const { sql, params } of ran) {
      const lines = plan(sql, params)
      for (const line of lines)
        expect(line, `${query}\n${sql}\n${lines.join('\n')}`).not.toMatch(/^SCAN (pins|pin_counts|pin_meta|pin_time_counts)\b/)
      // A count by status alone is one lookup in pin_counts (kept by triggers); everything else searches pins
      // (by an index, or by the rowid / created_at of candidates a partial name or meta entry names).
      const searched = /\bFROM pin_counts\b/.test(sql)
        ? /^SEARCH pin_counts USING PRIMARY KEY/
        : /^SEARCH pins USING ((COVERING )?INDEX|INTEGER PRIMARY KEY)/
      expect(lines.some((l) => searched.test(l)), `${sql}\n${lines.join('\n')}`).toBe(true)
    }
  })

  // With a time bound, a meta entry or a partial name (3 characters or more), `count` must not walk every pin of
  // the account through its status index (69 ms to 700 ms at 1M pins): the only walk of that index allowed is
  // bounded at both ends (the pins of one 4 s time bucket, pin_time_counts sums the rest).
  it.each(all.filter((q) => /before=|after=|meta=|match=(i?partial)/.test(q)))('GET /pins?%s counts without walking the account', (query) => {
    const filter = parseListQuery(Object.fromEntries(new URLSearchParams(query)))
    const [count] = statementsOf((store) => store.list(7, filter))
    const lines = plan(count!.sql, count!.params)
    for (const line of lines.filter((l) => /^SEARCH pins USING (COVERING )?INDEX pins_account_status\b/.test(l)))
      expect(line, `${query}\n${count!.sql}\n${lines.join('\n')}`).toMatch(/created_at>\? AND created_at<\?\)$|created_at=\?\)$/)
  })

  it.each([
    ['refcounts', (store: ReturnType<typeof createPinStore>) => store.references('00000001')],
    ['usage', (store: ReturnType<typeof createPinStore>) => store.usage(1)],
    ['the queue', (store: ReturnType<typeof createPinStore>) => expect(store.pending(4, new Set())).toHaveLength(4)],
    ['held sizes', (store: ReturnType<typeof createPinStore>) => store.heldSize('00000001')],
  ])('uses indexes for %s', (_what, use) => {
    const ran = statementsOf(use)
    expect(ran.length).toBeGreaterThan(0)
    for (const { sql, params } of ran) {
      const lines = plan(sql, params)
      for (const line of lines) expect(line, `${sql}\n${lines.join('\n')}`).not.toMatch(/^SCAN pins\b/)
    }
  })
})
