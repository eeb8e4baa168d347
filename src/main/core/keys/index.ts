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
  revoke(id: string, accountId?: number): ApiKey
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
    revoke(id, accountId) {
      const key = keys.get(id)
      if (accountId !== undefined && key.accountId !== accountId) throw new CoreError('NOT_FOUND', `no key ${id}`)
      if (!key.revoked) db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(Date.now(), id)
      return keys.get(id)
    },
    authenticate(secret) {
      if (!secret.startsWith(SECRET_PREFIX)) return undefined
      const row = byHash.get(hashSecret(secret))
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
