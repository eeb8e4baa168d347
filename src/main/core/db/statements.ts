// Statements prepared once per database and kept by their SQL text. Preparing costs more than running the
// simple queries Tack makes: it was a fifth of the CPU of a pin listing, and 18 % of the gateway's CPU on
// 4 KiB reads (`--cpu-prof` of `tack serve`, 2026-11-26: better-sqlite3's prepare under files' rowsByCid).
import type { Statement } from 'better-sqlite3'
import type { Db } from './index.js'

/** More distinct SQL texts than this (listing filters make them per request) empty the cache and start over. */
const MAX_CACHED = 512

const caches = new WeakMap<Db, Map<string, Statement>>()

/**
 * The statement for sql on db, prepared the first time it is asked for. It is shared by every caller of the
 * same SQL text: never switch its mode (pluck, raw, expand, safeIntegers); prepare a statement of your own
 * for that.
 */
export function cached<P extends unknown[] = unknown[], R = unknown>(db: Db, sql: string): Statement<P, R> {
  let cache = caches.get(db)
  if (!cache) caches.set(db, (cache = new Map()))
  let statement = cache.get(sql)
  if (!statement) {
    if (cache.size >= MAX_CACHED) cache.clear()
    statement = db.prepare(sql)
    cache.set(sql, statement)
  }
  return statement as unknown as Statement<P, R>
}
