import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../db/index.js'
import { createRemoteStore } from './store.js'

describe('remote store (real SQLite file)', () => {
  let dir: string
  let db: Db
  afterEach(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const open = () => {
    dir = mkdtempSync(join(tmpdir(), 'tack-remote-'))
    db = openDb(join(dir, 'tack.db'))
    return createRemoteStore(db)
  }

  it('remembers cluster peers until they have been away longer than the retention window', () => {
    const store = open()
    const r = store.insert({ name: 'lab', kind: 'cluster', url: 'http://127.0.0.1:9094', policy: 'meta', accountIds: [] })
    expect(store.knownPeers(r.id, ['a', 'b'], 1000, 10_000).sort()).toEqual(['a', 'b'])
    expect(store.knownPeers(r.id, ['a'], 5000, 10_000).sort()).toEqual(['a', 'b']) // b is away, still counted
    expect(store.knownPeers(r.id, ['a'], 12_000, 10_000)).toEqual(['a']) // b left for good
  })

  it('wants content once, forgets it only after removal, and keeps secrets out of the public shape', () => {
    const store = open()
    const r = store.insert({
      name: 'lab', kind: 'psa', url: 'http://127.0.0.1:1/api/pinning', auth: { bearer: 'secret' }, policy: 'meta', accountIds: [],
    })
    store.want(r.id, { multihash: 'm1', cid: 'c1' })
    store.want(r.id, { multihash: 'm1', cid: 'c1' })
    expect(store.pins(r.id)).toHaveLength(1)
    store.unwant(r.id, 'm1')
    expect(store.pins(r.id)[0]).toMatchObject({ want: false })
    expect(store.counts(r.id).removing).toBe(1)
    store.forget(r.id, 'm1')
    expect(store.pins(r.id)).toEqual([])
    expect(store.byName('lab')?.auth).toEqual({ bearer: 'secret' })
  })
})
