// A filtered listing's `count` and page stay exact now that they come from structures of their own (migration
// 12: time buckets, meta entries, name trigrams, each kept by triggers): a fast-check model run against the
// real SQLite store. Pins are written with created times spread over many 4 s and 70 min buckets (straight SQL:
// the store stamps the clock's time), then deleted, moved between statuses and accounts, renamed and given new
// meta; after every step, counts and pages for before/after bounds, meta entries and partial names (shorter
// and longer than a trigram, either case) match the model.
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { STATUSES, type Status } from '../src/shared/psa.js'
import { openDb, type Db } from '../src/main/core/db/index.js'
import type { ListFilter } from '../src/main/core/pins/query.js'
import { createPinStore } from '../src/main/core/pins/store.js'
import { tempDir } from './fixtures/tmp.js'

interface ModelPin {
  id: number
  account: number
  status: Status
  name: string | null
  meta: Record<string, string> | null
  created: number
}

const dir = tempDir()
let db: Db
/** On a coarse bucket's edge (2^22 ms), so that times near bucket edges are easy to make. */
const BASE = 2 ** 22 * 405_000
/** Spans 16 coarse (2^22 ms) buckets, so every level of the sum is exercised. */
const SPAN = 2 ** 26
/** An offset from BASE: anywhere, or within 1 ms of the edge of a fine (2^12 ms) or coarse bucket. */
const offset = fc.oneof(
  fc.nat(SPAN),
  fc.tuple(fc.nat(16), fc.integer({ min: -1, max: 1 })).map(([k, d]) => k * 2 ** 22 + d),
  fc.tuple(fc.nat(2 ** 14), fc.integer({ min: -1, max: 1 })).map(([k, d]) => k * 2 ** 12 + d),
)

beforeAll(() => {
  db = openDb(`${dir.path}/tack.db`)
  for (const id of [1, 2]) db.prepare('INSERT INTO accounts (id, name, created_at) VALUES (?, ?, 0)').run(id, `a${id}`)
})
afterAll(() => {
  db.close()
  dir.remove()
})

const status = fc.constantFrom(...STATUSES)
const name = fc.option(fc.constantFrom('Photo-ABC', 'photo-abc', 'ΣΟΦΙΑ', 'note "x"', 'ab', 'abcab'), { nil: null })
const meta = fc.option(fc.dictionary(fc.constantFrom('app', 'tag'), fc.constantFrom('1', '2')), { nil: null })
/** A time bound: an offset, or a pin's created time ±1 ms (the edges where < and > differ from ≤ and ≥). */
const bound = fc.oneof(
  offset.map((at) => ({ at })),
  fc.record({ pick: fc.nat(), delta: fc.integer({ min: -1, max: 1 }) }),
)
const step = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('add' as const), account: fc.constantFrom(1, 2), status, name, meta, at: offset }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('status' as const), pick: fc.nat(), status }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), account: fc.constantFrom(1, 2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), pick: fc.nat(), name, meta }) },
)
const probe = fc.record({
  statuses: fc.subarray([...STATUSES], { minLength: 1 }),
  before: fc.option(bound, { nil: undefined }),
  after: fc.option(bound, { nil: undefined }),
  // Half the probes without meta, half without a name: a quarter count by time buckets alone.
  meta: fc.option(fc.dictionary(fc.constantFrom('app', 'tag'), fc.constantFrom('1', '2'), { minKeys: 1 }), { nil: undefined, freq: 2 }),
  name: fc.option(fc.constantFrom('abc', 'ABC', 'ab', 'o-A', 'σοφ', 'ΣΟΦ', '"x"', 'Photo-ABC'), { nil: undefined, freq: 2 }),
  match: fc.constantFrom('partial' as const, 'ipartial' as const, 'exact' as const, 'iexact' as const),
})

function matches(p: ModelPin, account: number, f: Omit<ListFilter, 'limit'>): boolean {
  if (p.account !== account || !f.statuses.includes(p.status)) return false
  if (f.before !== undefined && !(p.created < f.before)) return false
  if (f.after !== undefined && !(p.created > f.after)) return false
  for (const [k, v] of Object.entries(f.meta ?? {})) if (p.meta?.[k] !== v) return false
  if (f.name !== undefined) {
    if (p.name === null) return false
    const lower = f.match === 'iexact' || f.match === 'ipartial'
    const [have, want] = lower ? [p.name.toLowerCase(), f.name.toLowerCase()] : [p.name, f.name]
    if (f.match.endsWith('exact') ? have !== want : !have.includes(want)) return false
  }
  return true
}

it('filtered counts and pages match a model through adds, deletes, status and account moves, renames', () => {
  const store = createPinStore(db)
  const insert = db.prepare(
    `INSERT INTO pins (requestid, account_id, cid, multihash, name, name_lower, meta, status, created_at, deadline_at)
     VALUES (?, ?, 'c', 'aa', ?, ?, ?, ?, ?, 0)`,
  )
  let seq = 0
  fc.assert(
    fc.property(fc.array(step, { maxLength: 40 }), fc.array(probe, { minLength: 5, maxLength: 5 }), (steps, probes) => {
      db.exec('DELETE FROM pins')
      const model: ModelPin[] = []
      const nth = (pick: number) => model[pick % model.length]!
      for (const s of steps) {
        if (s.kind === 'add') {
          const created = BASE + s.at
          if (model.some((p) => p.created === created)) continue // created_at is unique
          const json = s.meta && Object.keys(s.meta).length ? s.meta : null
          const r = insert.run(`r${++seq}`, s.account, s.name, s.name?.toLowerCase() ?? null, json && JSON.stringify(json), s.status, created)
          model.push({ id: Number(r.lastInsertRowid), account: s.account, status: s.status, name: s.name, meta: json, created })
        } else if (!model.length) continue
        else if (s.kind === 'delete') {
          const p = nth(s.pick)
          db.prepare('DELETE FROM pins WHERE id = ?').run(p.id)
          model.splice(model.indexOf(p), 1)
        } else if (s.kind === 'status') {
          const p = nth(s.pick)
          db.prepare('UPDATE pins SET status = ? WHERE id = ?').run(s.status, p.id)
          p.status = s.status
        } else if (s.kind === 'move') {
          const p = nth(s.pick)
          db.prepare('UPDATE pins SET account_id = ? WHERE id = ?').run(s.account, p.id)
          p.account = s.account
        } else {
          const p = nth(s.pick)
          const json = s.meta && Object.keys(s.meta).length ? s.meta : null
          db.prepare('UPDATE pins SET name = ?, name_lower = ?, meta = ? WHERE id = ?').run(
            s.name,
            s.name?.toLowerCase() ?? null,
            json && JSON.stringify(json),
            p.id,
          )
          Object.assign(p, { name: s.name, meta: json })
        }
      }
      const time = (b: { at: number } | { pick: number; delta: number } | undefined) =>
        b === undefined ? undefined : 'at' in b ? BASE + b.at : model.length ? nth(b.pick).created + b.delta : BASE
      for (const q of probes) {
        const filter = {
          statuses: q.statuses,
          before: time(q.before),
          after: time(q.after),
          meta: q.meta,
          name: q.name,
          match: q.match,
        }
        for (const account of [1, 2]) {
          const expected = model.filter((p) => matches(p, account, filter)).sort((a, b) => b.created - a.created)
          const listed = store.list(account, { ...filter, limit: 3 })
          expect(listed.count, JSON.stringify({ account, filter })).toBe(expected.length)
          expect(listed.results.map((r) => r.created)).toEqual(expected.slice(0, 3).map((p) => p.created))
        }
      }
    }),
    { numRuns: 150 },
  )
})
