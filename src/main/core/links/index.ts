// Signed links: an expiring URL to one file record that works without a key (`/api/links/{cid}?f&e&s`).
// The signature is HMAC-SHA256 over the record id, the CID and the expiry, keyed with a secret of that
// record held in SQLite (files.link_secret, 32 random bytes); replacing the secret revokes every link of the
// record at once. Checked in constant time; a bad signature (or a changed CID or id) is 403, a good one past
// its expiry 410. The bytes are served by the gateway's own code with private records allowed.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Db } from '../db/index.js'
import { CoreError } from '../errors.js'
import type { FilesRepo } from '../files/repo.js'

export const LINK_PATH = '/api/links'
export const DEFAULT_EXPIRES_IN_S = 24 * 60 * 60
export const MAX_EXPIRES_IN_S = 365 * 24 * 60 * 60

export interface SignedLink {
  /** The path and query (`/api/links/{cid}?f=…&e=…&s=…`), to put after a listener's base URL. */
  path: string
  expires: Date
}

export interface LinkQuery {
  f?: string
  e?: string
  s?: string
}

export interface Links {
  create(accountId: number, cid: string, expiresInS: number): SignedLink
  /** Rotates the record's secret: every link made so far stops working. */
  revokeAll(accountId: number, cid: string): void
  /** Checks a link; throws FORBIDDEN (bad signature) or GONE (expired). */
  check(cid: string, query: LinkQuery, now?: number): void
}

export function createLinks(deps: { db: Db; repo: Pick<FilesRepo, 'file'> }): Links {
  const { db } = deps
  const secretOf = (id: number) =>
    (db.prepare('SELECT cid, link_secret FROM files WHERE id = ?').get(id) as
      { cid: string; link_secret: Buffer | null } | undefined) ?? undefined
  const setSecret = (id: number) => {
    const secret = randomBytes(32)
    db.prepare('UPDATE files SET link_secret = ? WHERE id = ?').run(secret, id)
    return secret
  }
  const recordOf = (accountId: number, cid: string) => {
    const row = deps.repo.file(accountId, cid)
    if (!row) throw new CoreError('NOT_FOUND', `no file ${cid} in this account`)
    return row
  }
  const forbidden = () => new CoreError('FORBIDDEN', 'this link is not valid (its signature does not match)')

  return {
    create(accountId, cid, expiresInS) {
      const row = recordOf(accountId, cid)
      const secret = secretOf(row.id)?.link_secret ?? setSecret(row.id)
      const e = Math.floor(Date.now() / 1000) + expiresInS
      const s = sign(secret, row.id, row.cid, e)
      const query = new URLSearchParams({ f: String(row.id), e: String(e), s })
      return { path: `${LINK_PATH}/${row.cid}?${query}`, expires: new Date(e * 1000) }
    },
    revokeAll(accountId, cid) {
      setSecret(recordOf(accountId, cid).id)
    },
    check(cid, query, now = Date.now()) {
      const id = Number(query.f)
      const e = Number(query.e)
      if (!Number.isSafeInteger(id) || !Number.isSafeInteger(e) || !query.s) throw forbidden()
      const record = secretOf(id)
      // An unknown record, one without links, or another CID: the same answer as a bad signature.
      const secret = record?.link_secret ?? randomBytes(32)
      const expected = Buffer.from(sign(secret, id, cid, e))
      const given = Buffer.from(query.s)
      const same = expected.length === given.length && timingSafeEqual(expected, given)
      if (!same || !record?.link_secret || record.cid !== cid) throw forbidden()
      if (e * 1000 <= now) throw new CoreError('GONE', `this link expired at ${new Date(e * 1000).toISOString()}`)
    },
  }
}

function sign(secret: Buffer, id: number, cid: string, expires: number): string {
  return createHmac('sha256', secret).update(`tack-link\n${id}\n${cid}\n${expires}`).digest('base64url')
}
