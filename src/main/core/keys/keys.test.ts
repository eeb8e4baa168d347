// Key lookups are cached for a client's next requests; these prove the cache never outlives a change, on a
// real SQLite file: revoked or changed through this connection, or through another one (as the CLI does
// while `tack serve` runs), the very next authentication sees it.
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { tempDir } from '../../../../tests/fixtures/tmp.js'
import { openDb, type Db } from '../db/index.js'
import { createKeys, type Keys } from './index.js'

const dir = tempDir('tack-keys-')
let db: Db
let cli: Db
let keys: Keys
beforeEach(() => {
  db = openDb(join(dir.path, 'tack.db'))
  cli = openDb(join(dir.path, 'tack.db'))
  db.prepare("INSERT INTO accounts (id, name, created_at, is_owner) VALUES (1, 'owner', 0, 1), (2, 'team', 0, 0)").run()
  keys = createKeys(db)
})
afterEach(() => {
  db.close()
  cli.close()
  dir.remove()
})

/** Authenticates often enough that the key is served from the cache, and returns the last answer. */
const useTwice = (secret: string) => (keys.authenticate(secret), keys.authenticate(secret))

it('a key revoked by another connection (the CLI) is refused at the next request', () => {
  const { key, secret } = keys.create({ accountId: 2, name: 'laptop' })
  expect(useTwice(secret)?.id).toBe(key.id)
  createKeys(cli).revoke(key.id)
  expect(keys.authenticate(secret)).toBeUndefined()
})

it('a key revoked through this connection is refused at the next request', () => {
  const { key, secret } = keys.create({ accountId: 2, name: 'laptop' })
  expect(useTwice(secret)?.id).toBe(key.id)
  keys.revoke(key.id)
  expect(keys.authenticate(secret)).toBeUndefined()
})

it('a key deleted or changed by any statement on this connection is seen at once', () => {
  const a = keys.create({ accountId: 2, name: 'a', scopes: ['pins:read'] })
  const b = keys.create({ accountId: 2, name: 'b' })
  expect(useTwice(a.secret)?.scopes).toEqual(['pins:read'])
  expect(useTwice(b.secret)?.id).toBe(b.key.id)
  db.prepare("UPDATE api_keys SET scopes = 'pins:read pins:write' WHERE id = ?").run(a.key.id)
  expect(keys.authenticate(a.secret)?.scopes).toEqual(['pins:read', 'pins:write'])
  db.prepare('DELETE FROM api_keys WHERE id = ?').run(b.key.id)
  expect(keys.authenticate(b.secret)).toBeUndefined()
})

it('a key moved to another account by another connection answers with its new account', () => {
  const { secret } = keys.create({ accountId: 2, name: 'moved' })
  expect(useTwice(secret)?.accountId).toBe(2)
  cli.prepare("UPDATE api_keys SET account_id = 1 WHERE name = 'moved'").run()
  expect(keys.authenticate(secret)?.accountId).toBe(1)
})

it('a key created after a miss is found (misses are not kept)', () => {
  expect(keys.authenticate('tack_not-yet')).toBeUndefined()
  const { secret } = createKeys(cli).create({ accountId: 2, name: 'new' })
  expect(keys.authenticate(secret)).toBeDefined()
})
