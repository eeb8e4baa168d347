// Who is calling: an API key (`tack_...`) or the session token that `tack serve` hands to the UI and to the
// CLI through a file only the user can read. Either way the answer is an account and a set of scopes.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { CoreError } from './errors.js'
import type { Accounts } from './accounts/index.js'
import { SCOPES, type Keys, type Scope } from './keys/index.js'

export interface Principal {
  accountId: number
  scopes: readonly Scope[]
  /** The API key used, if any (the session token has none). */
  keyId?: string
}

export interface Authenticator {
  /** Parses an Authorization header; throws UNAUTHORIZED when it is missing, malformed or unknown. */
  authenticate(header: string | undefined): Principal
  readonly sessionToken: string
}

export function newSessionToken(): string {
  return 'tks_' + randomBytes(32).toString('base64url')
}

export function createAuthenticator(init: { keys: Keys; accounts: Accounts; sessionToken: string }): Authenticator {
  const session = Buffer.from(init.sessionToken)
  return {
    sessionToken: init.sessionToken,
    authenticate(header) {
      const match = header?.match(/^Bearer\s+(\S+)\s*$/i)
      if (!match) throw new CoreError('UNAUTHORIZED', 'missing or malformed Authorization header: use "Bearer <key>"')
      const secret = match[1]!
      const candidate = Buffer.from(secret)
      if (candidate.length === session.length && timingSafeEqual(candidate, session)) {
        return { accountId: init.accounts.ensureOwner().id, scopes: SCOPES }
      }
      const key = init.keys.authenticate(secret)
      if (!key) throw new CoreError('UNAUTHORIZED', 'unknown or revoked API key')
      return { accountId: key.accountId, scopes: key.scopes, keyId: key.id }
    },
  }
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!principal.scopes.includes(scope)) throw new CoreError('FORBIDDEN', `this key lacks the "${scope}" scope`)
}
