// API keys. The secret is 32 random bytes shown once; only its SHA-256 is stored (a random 256-bit secret
// needs no slow hash: nothing to brute-force). Each key has scopes; a key with none given gets all but admin.
import { createHash, randomBytes } from 'node:crypto'
import { CoreError } from '../errors.js'
import type { Db } from '../db/index.js'

export const SCOPES = ['pins:read', 'pins:write', 'files:read', 'files:write', 'admin'] as const
export type Scope = (typeof SCOPES)[number]
export const DEFAULT_SCOPES: Scope[] = ['pins:read', 'pins:write', 'files:read', 'files:write']

export interface ApiKey {
  id: string
  accountId: number
  name: string
  scopes: Scope[]
  created: Date
  lastUsed: Date | null
  revoked: Date | null
}

export interface CreatedKey {
  key: ApiKey
  /** Shown once, never stored. */
  secret: string
}

export interface Keys {
  create(init: { accountId: number; name: string; scopes?: string[] }): CreatedKey
  list(accountId?: number): ApiKey[]
  get(id: string): ApiKey
  /**
   * Revokes a key. With `by` (the caller's key or session), only a key of the caller's account that has no
   * scope the caller lacks: a read-only key cannot take its account's other keys away. An admin, or the
   * CLI (no `by`), revokes any key.
   */
  revoke(id: string, by?: { accountId: number; scopes: readonly Scope[] }): ApiKey
  /** The live key this secret belongs to, with its last-used time recorded; undefined if none. */
  authenticate(secret: string): ApiKey | undefined
}

interface Row {
  id: string
  account_id: number
  name: string
  scopes: string
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
}

const SECRET_PREFIX = 'tack_'
// last_used_at is written at most this often per key, so a busy client does not turn reads into writes.
const LAST_USED_GRANULARITY_MS = 1000

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s)
}

/** Entries kept by the key cache below; past this it starts over. */
const MAX_CACHED_KEYS = 1024

/**
 * A counter of this connection's own changes to api_keys, bumped by a TEMP trigger (it sees only this
 * connection's writes: a revoke, last-used times, keys deleted with their account). One per connection.
 */
const generations = new WeakMap<Db, { n: number }>()
function keysGeneration(db: Db): { n: number } {
  let generation = generations.get(db)
  if (!generation) {
    const g = { n: 0 }
    db.function('tack_keys_changed', { deterministic: false }, () => {
      g.n++
      return null
    })
    db.exec(`
      CREATE TEMP TRIGGER IF NOT EXISTS tack_keys_updated AFTER UPDATE ON main.api_keys BEGIN SELECT tack_keys_changed(); END;
      CREATE TEMP TRIGGER IF NOT EXISTS tack_keys_deleted AFTER DELETE ON main.api_keys BEGIN SELECT tack_keys_changed(); END;`)
    generations.set(db, g)
    generation = g
  }
  return generation
}

export function createKeys(db: Db): Keys {
  const toKey = (r: Row): ApiKey => ({
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    scopes: r.scopes.split(' ').filter(isScope),
    created: new Date(r.created_at),
    lastUsed: r.last_used_at === null ? null : new Date(r.last_used_at),
    revoked: r.revoked_at === null ? null : new Date(r.revoked_at),
  })
  const byHash = db.prepare<[string], Row>('SELECT * FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL')
  const touch = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?')
  // Keys found by secret hash, for a client's next requests: the lookup was a seventh of a pin POST's CPU
  // (profiled; 20-40 % more POSTs per second without it). An entry holds while api_keys cannot have changed:
  // another connection's commit (the CLI revoking a key) moves SQLite's data_version, and a change through
  // this one bumps the generation. Only keys found are kept: a key created a moment ago is looked up.
  const generation = keysGeneration(db)
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck()
  const cache = new Map<string, { row: Row; generation: number; version: number }>()
  const lookup = (hash: string): Row | undefined => {
    const version = dataVersion.get()!
    const hit = cache.get(hash)
    if (hit && hit.generation === generation.n && hit.version === version) return hit.row
    const row = byHash.get(hash)
    if (cache.size >= MAX_CACHED_KEYS) cache.clear()
    if (row) cache.set(hash, { row, generation: generation.n, version })
    else cache.delete(hash)
    return row
  }

  const keys: Keys = {
    create({ accountId, name, scopes }) {
      const trimmed = name.trim()
      if (!trimmed || trimmed.length > 100) throw new CoreError('BAD_REQUEST', 'key name: 1 to 100 characters')
      const wanted = scopes?.length ? [...new Set(scopes)] : DEFAULT_SCOPES
      const unknown = wanted.filter((s) => !isScope(s))
      if (unknown.length)
        throw new CoreError('BAD_REQUEST', `unknown scope ${unknown.join(', ')}; scopes are ${SCOPES.join(', ')}`)
      const id = 'key_' + randomBytes(6).toString('hex')
      const secret = SECRET_PREFIX + randomBytes(32).toString('base64url')
      db.prepare(
        'INSERT INTO api_keys (id, account_id, name, secret_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(id, accountId, trimmed, hashSecret(secret), wanted.join(' '), Date.now())
      return { key: keys.get(id), secret }
    },
    list(accountId) {
      const rows =
        accountId === undefined
          ? db.prepare<[], Row>('SELECT * FROM api_keys ORDER BY created_at DESC, id').all()
          : db
              .prepare<[number], Row>('SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at DESC, id')
              .all(accountId)
      return rows.map(toKey)
    },
    get(id) {
      const row = db.prepare<[string], Row>('SELECT * FROM api_keys WHERE id = ?').get(id)
      if (!row) throw new CoreError('NOT_FOUND', `no key ${id}`)
      return toKey(row)
    },
    revoke(id, by) {
      const key = keys.get(id)
      if (by && !by.scopes.includes('admin')) {
        if (key.accountId !== by.accountId) throw new CoreError('NOT_FOUND', `no key ${id}`)
        const lacking = key.scopes.filter((s) => !by.scopes.includes(s))
        if (lacking.length)
          throw new CoreError(
            'FORBIDDEN',
            `key ${id} can ${lacking.join(', ')}, which this key cannot: an admin key can revoke it`,
          )
      }
      if (!key.revoked) db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(Date.now(), id)
      return keys.get(id)
    },
    authenticate(secret) {
      if (!secret.startsWith(SECRET_PREFIX)) return undefined
      const row = lookup(hashSecret(secret))
      if (!row) return undefined
      const now = Date.now()
      if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_GRANULARITY_MS) {
        touch.run(now, row.id)
        row.last_used_at = now
      }
      return toKey(row)
    },
  }
  return keys
}
