// Signed links against a real (in-memory) SQLite: a link checks out until it expires (410) or its record's
// secret is replaced (403); any change to the CID, the record id, the expiry or the signature is 403.
import { describe, expect, it } from 'vitest'
import { openDb } from '../db/index.js'
import { createFilesRepo } from '../files/repo.js'
import { createLinks } from './index.js'

const CID_A = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const CID_B = 'bafkreidsbgvjj3rqwekhrzjoyjgqa7tdxbsgpvsw4ttlhscbmehnr4nlry'

function setup() {
  const db = openDb(':memory:')
  db.prepare("INSERT INTO accounts (id, name, is_owner, created_at) VALUES (1, 'owner', 1, 0)").run()
  const repo = createFilesRepo(db)
  for (const cid of [CID_A, CID_B])
    repo.insertFile(
      { account_id: 1, cid, multihash: cid, kind: 'file', name: 'x', path: null, size: 1, mime: 'x', created_at: 0 },
      'stored',
    )
  return { links: createLinks({ db, repo }), db }
}
const query = (path: string) => Object.fromEntries(new URL(path, 'http://x').searchParams) as Record<string, string>

describe('signed links', () => {
  it('checks out until it expires, then answers GONE', () => {
    const { links } = setup()
    const link = links.create(1, CID_A, 60)
    expect(link.path.startsWith(`/api/links/${CID_A}?`)).toBe(true)
    expect(() => links.check(CID_A, query(link.path))).not.toThrow()
    expect(() => links.check(CID_A, query(link.path), link.expires.getTime() + 1)).toThrow(
      expect.objectContaining({ code: 'GONE' }),
    )
  })

  it('any change is FORBIDDEN, and so is a link after revokeAll', () => {
    const { links } = setup()
    const q = query(links.create(1, CID_A, 60).path)
    const forbidden = expect.objectContaining({ code: 'FORBIDDEN' })
    expect(() => links.check(CID_B, q)).toThrow(forbidden)
    expect(() => links.check(CID_A, { ...q, e: String(Number(q.e) + 1) })).toThrow(forbidden)
    expect(() => links.check(CID_A, { ...q, f: String(Number(q.f) + 1) })).toThrow(forbidden)
    expect(() => links.check(CID_A, { ...q, s: q.s!.slice(1) + 'A' })).toThrow(forbidden)
    expect(() => links.check(CID_A, { ...q, s: undefined })).toThrow(forbidden)
    links.revokeAll(1, CID_A)
    expect(() => links.check(CID_A, q)).toThrow(forbidden)
    expect(() => links.check(CID_A, query(links.create(1, CID_A, 60).path))).not.toThrow()
  })

  it('a record without links (or another account) cannot be reached', () => {
    const { links } = setup()
    expect(() => links.check(CID_B, { f: '2', e: String(Date.now() / 1000 + 60), s: 'x' })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    )
    expect(() => links.create(2, CID_A, 60)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
  })

  it('counts the live links a revoke breaks: made since the last revoke and not expired', () => {
    const { links, db } = setup()
    const rows = () => (db.prepare('SELECT COUNT(*) AS n FROM file_links').get() as { n: number }).n
    expect(links.live(1, CID_A)).toBe(0)
    links.create(1, CID_A, 60)
    links.create(1, CID_A, 3600)
    links.create(1, CID_B, 120)
    expect([links.live(1, CID_A), links.live(1, CID_B)]).toEqual([2, 1])
    // A's 60 s link past its expiry: it no longer counts, and A's next link drops its row.
    db.prepare('UPDATE file_links SET expires_at = 1 WHERE expires_at = (SELECT MIN(expires_at) FROM file_links)').run()
    expect([links.live(1, CID_A), rows()]).toEqual([1, 3])
    links.create(1, CID_A, 60)
    expect([links.live(1, CID_A), rows()]).toEqual([2, 3])
    expect(links.revokeAll(1, CID_A)).toBe(2)
    expect([links.live(1, CID_A), links.live(1, CID_B), rows()]).toEqual([0, 1, 1])
    expect(() => links.live(2, CID_A)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
  })
})
