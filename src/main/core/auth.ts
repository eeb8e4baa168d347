// Who is calling. Three credentials, each answered with an account and a set of scopes:
// - an API key (`Authorization: Bearer tack_...`), with the key's scopes;
// - a session, the owner with every scope: `Bearer tss_...` from the desktop window, or in a browser the
//   `tack_session` cookie together with the page's `X-Tack-Session` token (never the cookie alone: every
//   server on 127.0.0.1 receives it); sessions come from one-time login tokens (sessions/);
// - the local token (`tks_...`), the owner with every scope: the CLI reads it from a 0600 file in the data dir
//   and the desktop shell uses it for its own calls. It never appears in a link or a log.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { CoreError } from './errors.js'
import type { Accounts } from './accounts/index.js'
import { SCOPES, type Keys, type Scope } from './keys/index.js'
import type { Sessions } from './sessions/index.js'
import { sessionsFromCookie } from './sessions/cookie.js'

export interface Principal {
  accountId: number
  scopes: readonly Scope[]
  /** The API key used, if any. */
  keyId?: string
  /** The browser session used, if any (what `DELETE /api/session` ends). */
  sessionId?: number
}

export interface Authenticator {
  /**
   * Reads the Authorization header, or else the session cookie in the Cookie header with the page token
   * (X-Tack-Session); throws UNAUTHORIZED when neither holds a live credential. An Authorization header, when
   * present, decides alone.
   */
  authenticate(authorization: string | undefined, cookie?: string, pageToken?: string): Principal
}

/** The header a signed-in page sends its page token in, beside the session cookie. */
export const PAGE_TOKEN_HEADER = 'x-tack-session'

export function newLocalToken(): string {
  return 'tks_' + randomBytes(32).toString('base64url')
}

export interface AuthenticatorInit {
  keys: Keys
  accounts: Accounts
  sessions: Sessions
  /** The local token (see above). */
  localToken: string
}

const SIGN_IN = 'open a new login link (`tack login` prints one)'

export function createAuthenticator(init: AuthenticatorInit): Authenticator {
  const local = Buffer.from(init.localToken)
  const owner = (): Principal => ({ accountId: init.accounts.ensureOwner().id, scopes: SCOPES })
  const fromSession = (secret: string, pageToken?: string): Principal | undefined => {
    const session = init.sessions.authenticate(secret, pageToken)
    return session && { accountId: session.accountId, scopes: SCOPES, sessionId: session.id }
  }
  return {
    authenticate(authorization, cookie, pageToken) {
      if (authorization === undefined) {
        const cookies = sessionsFromCookie(cookie)
        if (!cookies.length)
          throw new CoreError('UNAUTHORIZED', 'missing credentials: send "Authorization: Bearer <key>" or sign in')
        if (!pageToken)
          throw new CoreError(
            'UNAUTHORIZED',
            `a session cookie alone is not accepted: the page that signed in sends its X-Tack-Session token with it; ${SIGN_IN}`,
          )
        for (const secret of cookies) {
          const principal = fromSession(secret, pageToken)
          if (principal) return principal
        }
        throw new CoreError('UNAUTHORIZED', `the session expired or was signed out; ${SIGN_IN}`)
      }
      const match = authorization.match(/^Bearer\s+(\S+)\s*$/i)
      if (!match) throw new CoreError('UNAUTHORIZED', 'malformed Authorization header: use "Bearer <key>"')
      const secret = match[1]!
      const candidate = Buffer.from(secret)
      if (candidate.length === local.length && timingSafeEqual(candidate, local)) return owner()
      const key = init.keys.authenticate(secret)
      if (key) return { accountId: key.accountId, scopes: key.scopes, keyId: key.id }
      const session = fromSession(secret)
      if (session) return session
      throw new CoreError('UNAUTHORIZED', 'unknown or revoked API key, or an expired session')
    },
  }
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!principal.scopes.includes(scope)) throw new CoreError('FORBIDDEN', `this key lacks the "${scope}" scope`)
}
