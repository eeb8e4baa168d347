// Sign-in: one-time login tokens (the printed link, `tack login`, the desktop window's hand-off) and the
// browser sessions they are exchanged for. Both live in SQLite, hashed, so `tack login` (another process)
// can mint a token that the running server redeems, and sessions survive a restart. A token is redeemed by
// deleting its row: of two concurrent redeems only one gets the row.
// A browser's session is two secrets that only work together: the HttpOnly cookie, and a page token that
// the page keeps in sessionStorage and sends as X-Tack-Session. Cookies are not separated by port, so every
// other server on 127.0.0.1 receives the cookie; sessionStorage is per origin (per port), so none of them
// gets the page token. The stored hash is of the pair (see pairOf), so the cookie alone matches no row.
import { randomBytes } from 'node:crypto'
import type { Db } from '../db/index.js'
import { CoreError } from '../errors.js'
import { hashSecret } from '../keys/index.js'

/** How long a login link works if nobody uses it. */
export const DEFAULT_LOGIN_TTL_MS = 10 * 60 * 1000
/** A session not used for this long is over (12 hours). */
export const DEFAULT_IDLE_MS = 12 * 60 * 60 * 1000
// last_seen_at is written at most this often per session, so reading pages does not turn into writes.
const TOUCH_EVERY_MS = 60 * 1000

const LOGIN_PREFIX = 'tkl_'
const SESSION_PREFIX = 'tss_'
const PAGE_PREFIX = 'tsp_'
const PAGE_TOKEN = /^tsp_[\w-]{43}$/

export const LINK_USED =
  'this sign-in link was already used or has expired; run `tack login` for a new one (or open Tack from its tray icon)'

export interface SessionsInit {
  /** How long a fresh login token works; default DEFAULT_LOGIN_TTL_MS (10 minutes). */
  loginTtlMs?: number
  /** Idle time after which a session ends; default DEFAULT_IDLE_MS (12 hours). */
  idleMs?: number
}

export interface Session {
  id: number
  accountId: number
}

export interface NewSession {
  session: Session
  /** Goes to the client once (cookie or body); only its hash is stored. */
  secret: string
  /** A browser session's page token (sent as X-Tack-Session beside the cookie); absent for a Bearer one. */
  pageToken?: string
  /** Idle time after which the session ends, in ms. */
  idleMs: number
}

export interface Sessions {
  /** A one-time login token that signs in as this account. */
  mintLoginToken(accountId: number): string
  /**
   * Redeems a login token once; a used, expired or unknown one throws UNAUTHORIZED. 'browser' makes a session
   * that needs both its secret (the cookie) and its page token; 'bearer' one whose secret works alone.
   */
  redeem(token: string, kind?: SessionKind): NewSession
  /**
   * The live session a secret belongs to (its last use recorded), or undefined. A browser session's secret
   * matches only with its page token, and a page token never matches without its secret.
   */
  authenticate(secret: string, pageToken?: string): Session | undefined
  /** Signs a session out. */
  end(id: number): void
}

export type SessionKind = 'bearer' | 'browser'

/**
 * What is hashed for a browser session: both halves, joined by a space, which no Bearer value can hold
 * (the auth header's token is one run of non-space characters), so no single credential ever matches it.
 */
const pairOf = (secret: string, pageToken: string) => `${secret} ${pageToken}`

interface SessionRow {
  id: number
  account_id: number
  last_seen_at: number
  expires_at: number
}

export function createSessions(db: Db, init: SessionsInit = {}): Sessions {
  const loginTtlMs = init.loginTtlMs ?? DEFAULT_LOGIN_TTL_MS
  const idleMs = init.idleMs ?? DEFAULT_IDLE_MS
  // A short idle time (tests) still extends the session on use.
  const touchEveryMs = Math.min(TOUCH_EVERY_MS, idleMs / 4)
  const insertToken = db.prepare(
    'INSERT INTO login_tokens (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
  )
  const takeToken = db.prepare<[string], { account_id: number; expires_at: number }>(
    'DELETE FROM login_tokens WHERE token_hash = ? RETURNING account_id, expires_at',
  )
  const insertSession = db.prepare(
    'INSERT INTO sessions (secret_hash, account_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)',
  )
  const bySecret = db.prepare<[string], SessionRow>(
    'SELECT id, account_id, last_seen_at, expires_at FROM sessions WHERE secret_hash = ?',
  )
  const touch = db.prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?')
  const remove = db.prepare('DELETE FROM sessions WHERE id = ?')
  const prune = (now: number) => {
    db.prepare('DELETE FROM login_tokens WHERE expires_at <= ?').run(now)
    db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now)
  }

  const redeem = db.transaction((token: string, kind: SessionKind): NewSession => {
    const now = Date.now()
    const row = token.startsWith(LOGIN_PREFIX) ? takeToken.get(hashSecret(token)) : undefined
    if (!row || row.expires_at <= now) throw new CoreError('UNAUTHORIZED', LINK_USED)
    const secret = SESSION_PREFIX + randomBytes(32).toString('base64url')
    const pageToken = kind === 'browser' ? PAGE_PREFIX + randomBytes(32).toString('base64url') : undefined
    const stored = hashSecret(pageToken ? pairOf(secret, pageToken) : secret)
    const { lastInsertRowid } = insertSession.run(stored, row.account_id, now, now, now + idleMs)
    prune(now)
    const session = { id: Number(lastInsertRowid), accountId: row.account_id }
    return { session, secret, idleMs, ...(pageToken ? { pageToken } : {}) }
  })

  return {
    mintLoginToken(accountId) {
      const now = Date.now()
      const token = LOGIN_PREFIX + randomBytes(32).toString('base64url')
      insertToken.run(hashSecret(token), accountId, now, now + loginTtlMs)
      return token
    },
    redeem: (token, kind = 'bearer') => redeem.immediate(token, kind),
    authenticate(secret, pageToken) {
      if (!secret.startsWith(SESSION_PREFIX)) return undefined
      if (pageToken !== undefined && !PAGE_TOKEN.test(pageToken)) return undefined
      const row = bySecret.get(hashSecret(pageToken === undefined ? secret : pairOf(secret, pageToken)))
      if (!row) return undefined
      const now = Date.now()
      if (row.expires_at <= now) {
        remove.run(row.id)
        return undefined
      }
      if (now - row.last_seen_at >= touchEveryMs) touch.run(now, now + idleMs, row.id)
      return { id: row.id, accountId: row.account_id }
    },
    end: (id) => void remove.run(id),
  }
}
