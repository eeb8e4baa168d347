// Signed links: an expiring URL to one file record that works without a key (`/api/links/{cid}?f&e&s`).
// The signature is HMAC-SHA256 over the record id, the CID and the expiry, keyed with a secret of that
// record held in SQLite (files.link_secret, 32 random bytes); replacing the secret revokes every link of the
// record at once. Checked in constant time; a bad signature (or a changed CID or id) is 403, a good one past
// its expiry 410. The bytes are served by the gateway's own code with private records allowed. Each link made
// leaves its expiry in file_links, so a revoke can say beforehand how many live links it breaks.
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
  /** Rotates the record's secret: every link made so far stops working. Returns how many were still live. */
  revokeAll(accountId: number, cid: string): number
  /** How many links of the record are live (made since the last revoke, not expired): what a revoke breaks. */
  live(accountId: number, cid: string): number
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
  const liveOf = (id: number) =>
    (
      db
        .prepare('SELECT COUNT(*) AS n FROM file_links WHERE file_id = ? AND expires_at > ?')
        .get(id, Math.floor(Date.now() / 1000)) as { n: number }
    ).n
  const forbidden = () => new CoreError('FORBIDDEN', 'this link is not valid (its signature does not match)')

  return {
    create(accountId, cid, expiresInS) {
      const row = recordOf(accountId, cid)
      const secret = secretOf(row.id)?.link_secret ?? setSecret(row.id)
      const now = Math.floor(Date.now() / 1000)
      const e = now + expiresInS
      const s = sign(secret, row.id, row.cid, e)
      // The expired ones count for nothing: dropped here so a record's rows stay as few as its live links.
      db.prepare('DELETE FROM file_links WHERE file_id = ? AND expires_at <= ?').run(row.id, now)
      db.prepare('INSERT INTO file_links (file_id, expires_at) VALUES (?, ?)').run(row.id, e)
      const query = new URLSearchParams({ f: String(row.id), e: String(e), s })
      return { path: `${LINK_PATH}/${row.cid}?${query}`, expires: new Date(e * 1000) }
    },
    revokeAll(accountId, cid) {
      const id = recordOf(accountId, cid).id
      return db.transaction(() => {
        const live = liveOf(id)
        setSecret(id)
        db.prepare('DELETE FROM file_links WHERE file_id = ?').run(id)
        return live
      })()
    },
    live: (accountId, cid) => liveOf(recordOf(accountId, cid).id),
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
