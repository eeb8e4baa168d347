// The secret that locks Kubo's RPC API (`API.Authorizations`): made once, kept in a file only this user can
// read, written into Kubo's config before every start and sent on every RPC call Tack makes. Any other
// process on the machine (a web page through DNS rebinding, another user, a forwarding target aimed at the
// RPC port) gets 403 from Kubo, however it spells the path.
import { randomBytes } from 'node:crypto'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'

/** 32 random bytes, base64url: only characters Kubo's `bearer:` secret and an HTTP header take as they are. */
const VALID = /^[A-Za-z0-9_-]{43}$/

/** Reads the secret, or makes a new one when the file is missing or damaged. The file is always 0600. */
export function ensureApiSecret(file: string): string {
  let secret = ''
  try {
    secret = readFileSync(file, 'utf8').trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (!VALID.test(secret)) {
    secret = randomBytes(32).toString('base64url')
    writeFileSync(file, secret, { mode: 0o600 })
  }
  if (process.platform !== 'win32') chmodSync(file, 0o600)
  return secret
}

/** The `Authorization` header value Kubo expects for this secret (its `bearer:` type). */
export const apiAuthorization = (secret: string) => `Bearer ${secret}`

/** What goes in Kubo's config: this secret, and no one else, may use the whole RPC API. */
export function apiAuthorizations(secret: string): Record<string, { AuthSecret: string; AllowedPaths: string[] }> {
  return { tack: { AuthSecret: `bearer:${secret}`, AllowedPaths: ['/api/v0'] } }
}
