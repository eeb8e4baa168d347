// Parsing and validating what clients send: the pin body of POST /pins and the GET /pins filters. Every
// problem is a 400 that names the field; nothing here touches the database or Kubo.
import { MATCHES, STATUSES, type Status, type TextMatchingStrategy } from '../../../shared/psa.js'
import { CoreError } from '../errors.js'
import { parseCid, type ParsedCid } from '../cid/index.js'
import { multiaddrProblem } from './origins.js'

export const LIMITS = {
  name: 255,
  /** Origins beyond this are dropped: Kubo sends all of its addresses, often more than the spec's 20. */
  origins: 20,
  origin: 1024,
  cid: 512,
  metaKeys: 1000,
  metaKey: 255,
  metaValue: 4096,
  /** The whole meta object as JSON. */
  metaBytes: 64 * 1024,
  cidFilter: 10,
  limitMax: 1000,
  limitDefault: 10,
} as const

export interface PinInput {
  cid: ParsedCid
  name?: string
  origins: string[]
  meta?: Record<string, string>
}

export interface ListFilter {
  /** Always at least one. */
  statuses: Status[]
  multihashes?: string[]
  name?: string
  match: TextMatchingStrategy
  meta?: Record<string, string>
  /** Strict bounds on created, in ms: created < before, created > after. */
  before?: number
  after?: number
  limit: number
}

const bad = (details: string) => new CoreError('BAD_REQUEST', details)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const length = (s: string) => [...s].length

/** What a deployment may set (config.ts); the rest of LIMITS is fixed. */
export interface PinBodyLimits {
  /** config.pinMetaBytes: the whole meta object as JSON. */
  metaBytes: number
}

export function parsePinBody(body: unknown, limits: PinBodyLimits = { metaBytes: LIMITS.metaBytes }): PinInput {
  if (!isObject(body)) throw bad('body must be a JSON object (a Pin)')
  const { cid, name, origins, meta } = body
  if (typeof cid !== 'string' || !cid) throw bad('pin.cid is required and must be a string')
  if (cid.length > LIMITS.cid) throw bad(`pin.cid is longer than ${LIMITS.cid} characters`)
  if (name !== undefined && name !== null && typeof name !== 'string') throw bad('pin.name must be a string')
  if (typeof name === 'string' && length(name) > LIMITS.name)
    throw bad(`pin.name is longer than ${LIMITS.name} characters (the Pinning Service API's limit)`)
  return {
    cid: parseCid(cid),
    name: typeof name === 'string' && name !== '' ? name : undefined,
    origins: parseOrigins(origins),
    meta: meta === undefined || meta === null ? undefined : parseMeta(meta, 'pin.meta', limits.metaBytes),
  }
}

function parseOrigins(origins: unknown): string[] {
  if (origins === undefined || origins === null) return []
  if (!Array.isArray(origins)) throw bad('pin.origins must be an array of multiaddr strings')
  if (origins.some((o) => typeof o !== 'string')) throw bad('pin.origins must hold multiaddr strings')
  // A malformed origin is refused with its reason (the spec allows a 400), never dropped silently: the
  // client learns at once that its hint is useless. Kubo sends only multiaddrs that parse.
  ;(origins as string[]).forEach((o, i) => {
    if (o.length > LIMITS.origin) throw bad(`pin.origins[${i}] is longer than ${LIMITS.origin} characters`)
    const problem = multiaddrProblem(o)
    if (problem) throw bad(`pin.origins[${i}] is not a multiaddr: ${problem}`)
  })
  return [...new Set(origins as string[])].slice(0, LIMITS.origins)
}

export function parseMeta(meta: unknown, where: string, maxBytes: number = LIMITS.metaBytes): Record<string, string> {
  if (!isObject(meta)) throw bad(`${where} must be a JSON object of strings`)
  const entries = Object.entries(meta)
  if (entries.length > LIMITS.metaKeys) throw bad(`${where} has more than ${LIMITS.metaKeys} keys`)
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw bad(`${where}.${k.slice(0, 50)} must be a string`)
    if (length(k) > LIMITS.metaKey) throw bad(`${where} has a key longer than ${LIMITS.metaKey} characters`)
    if (length(v) > LIMITS.metaValue) throw bad(`${where}.${k.slice(0, 50)} is longer than ${LIMITS.metaValue} characters`)
  }
  // Named with the variable that sets it: a pin's meta is stored with every object, so it is kept small.
  if (Buffer.byteLength(JSON.stringify(meta)) > maxBytes)
    throw bad(`${where} is larger than ${maxBytes} bytes as JSON (the limit TACK_PIN_META_BYTES sets)`)
  return meta as Record<string, string>
}

type Query = Record<string, string | string[] | undefined>

/** One value per parameter, except the list parameters, which may also be repeated. */
function single(query: Query, key: string): string | undefined {
  const v = query[key]
  if (Array.isArray(v)) throw bad(`${key} may be given only once`)
  return v
}

function list(query: Query, key: string): string[] | undefined {
  const v = query[key]
  if (v === undefined) return undefined
  const parts = [v]
    .flat()
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
  if (parts.some((p) => p === '')) throw bad(`${key} must be a comma-separated list without empty items`)
  return [...new Set(parts)]
}

export function parseListQuery(raw: unknown): ListFilter {
  const query = (isObject(raw) ? raw : {}) as Query
  const limitRaw = single(query, 'limit')
  let limit: number = LIMITS.limitDefault
  if (limitRaw !== undefined) {
    if (!/^\d{1,7}$/.test(limitRaw) || +limitRaw < 1 || +limitRaw > LIMITS.limitMax)
      throw bad(`limit must be a whole number from 1 to ${LIMITS.limitMax}`)
    limit = +limitRaw
  }

  const cids = list(query, 'cid')
  if (cids && cids.length > LIMITS.cidFilter) throw bad(`cid takes 1 to ${LIMITS.cidFilter} CIDs`)
  const multihashes = cids && [...new Set(cids.map((c) => parseCid(c).multihash))]

  const name = single(query, 'name')
  if (name !== undefined && length(name) > LIMITS.name) throw bad(`name is longer than ${LIMITS.name} characters`)
  const match = (single(query, 'match') ?? 'exact') as TextMatchingStrategy
  if (!MATCHES.includes(match)) throw bad(`match must be one of ${MATCHES.join(', ')}`)

  const statusList = list(query, 'status')
  for (const s of statusList ?? []) {
    if (!STATUSES.includes(s as Status)) throw bad(`status must be a comma-separated subset of ${STATUSES.join(',')}`)
  }

  const metaRaw = single(query, 'meta')
  let meta: Record<string, string> | undefined
  if (metaRaw !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(metaRaw)
    } catch {
      throw bad('meta must be a URL-encoded JSON object')
    }
    meta = parseMeta(parsed, 'meta')
    if (Object.keys(meta).length === 0) meta = undefined
  }

  const before = timeBound(single(query, 'before'), 'before')
  const after = timeBound(single(query, 'after'), 'after')
  const filtered = Boolean(multihashes || name || meta || before !== undefined || after !== undefined)
  // The spec lists `pinned` when no filter is given; with other filters and no status, every status matches
  // (a queued pin must be found by name).
  const statuses = (statusList as Status[] | undefined) ?? (filtered ? [...STATUSES] : ['pinned'])
  return { statuses, multihashes, name: name || undefined, match, meta, before, after, limit }
}

function timeBound(value: string | undefined, key: 'before' | 'after'): number | undefined {
  if (value === undefined) return undefined
  const t = parseRfc3339(value)
  if (!t) throw bad(`${key} must be an RFC 3339 timestamp, e.g. 2020-07-27T17:32:28.276Z`)
  // created is whole milliseconds. created < t+f (0 < f < 1 ms) is created < t+1; created > t+f is created > t.
  return key === 'before' && t.subMillisecond ? t.ms + 1 : t.ms
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/

/** Full RFC 3339 (up to 9 fractional digits, Z or ±hh:mm); ms since epoch, and whether digits went past ms. */
export function parseRfc3339(value: string): { ms: number; subMillisecond: boolean } | undefined {
  // Query parsers turn an unencoded `+` into a space; an offset can only be `+hh:mm` there.
  const m = RFC3339.exec(value.trim().replace(/ (\d{2}:\d{2})$/, '+$1'))
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, frac = '', zone] = m as unknown as string[]
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number]
  const [year, month, day, hour, minute, second] = fields
  const base = Date.UTC(year, month - 1, day, hour, minute, second)
  const check = new Date(base)
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    return undefined
  let offset = 0
  if (zone && !/^[Zz]$/.test(zone)) {
    const [oh, om] = zone.slice(1).split(':').map(Number) as [number, number]
    if (oh > 23 || om > 59) return undefined
    offset = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om) * 60_000
  }
  const ms = base - offset + Number(frac.padEnd(3, '0').slice(0, 3))
  return { ms, subMillisecond: /[1-9]/.test(frac.slice(3)) }
}
