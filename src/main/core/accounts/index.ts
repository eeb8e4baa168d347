// Accounts own keys, pins and files. The owner account is made at first start and has no quota; new
// accounts get the configured default (1 GiB, the free tier).
import { CoreError } from '../errors.js'
import type { Db } from '../db/index.js'

export interface Account {
  id: number
  name: string
  /** null: unlimited. */
  quotaBytes: number | null
  isOwner: boolean
  created: Date
}

export interface Accounts {
  ensureOwner(): Account
  create(name: string, quotaBytes?: number | null): Account
  get(id: number): Account
  byName(name: string): Account
  list(): Account[]
  setQuota(id: number, quotaBytes: number | null): Account
}

interface Row {
  id: number
  name: string
  quota_bytes: number | null
  is_owner: number
  created_at: number
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/
export const OWNER_NAME = 'owner'

export function createAccounts(db: Db, init: { defaultQuotaBytes: number }): Accounts {
  const toAccount = (r: Row): Account => ({
    id: r.id,
    name: r.name,
    quotaBytes: r.quota_bytes,
    isOwner: r.is_owner === 1,
    created: new Date(r.created_at),
  })
  const byId = db.prepare<[number], Row>('SELECT * FROM accounts WHERE id = ?')
  const byName = db.prepare<[string], Row>('SELECT * FROM accounts WHERE name = ?')

  const accounts: Accounts = {
    ensureOwner() {
      const owner = db.prepare<[], Row>('SELECT * FROM accounts WHERE is_owner = 1').get()
      if (owner) return toAccount(owner)
      db.prepare('INSERT INTO accounts (name, quota_bytes, is_owner, created_at) VALUES (?, NULL, 1, ?)').run(
        OWNER_NAME,
        Date.now(),
      )
      return accounts.byName(OWNER_NAME)
    },
    create(name, quotaBytes = init.defaultQuotaBytes) {
      if (!NAME.test(name))
        throw new CoreError('BAD_REQUEST', 'account name: 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit')
      if (quotaBytes !== null && (!Number.isSafeInteger(quotaBytes) || quotaBytes < 0))
        throw new CoreError('BAD_REQUEST', 'quota must be a whole number of bytes, 0 or more')
      if (byName.get(name)) throw new CoreError('CONFLICT', `an account named "${name}" exists already`)
      db.prepare('INSERT INTO accounts (name, quota_bytes, created_at) VALUES (?, ?, ?)').run(name, quotaBytes, Date.now())
      return accounts.byName(name)
    },
    get(id) {
      const row = byId.get(id)
      if (!row) throw new CoreError('NOT_FOUND', `no account ${id}`)
      return toAccount(row)
    },
    byName(name) {
      const row = byName.get(name)
      if (!row) throw new CoreError('NOT_FOUND', `no account named "${name}"`)
      return toAccount(row)
    },
    list: () => db.prepare<[], Row>('SELECT * FROM accounts ORDER BY id').all().map(toAccount),
    setQuota(id, quotaBytes) {
      if (quotaBytes !== null && (!Number.isSafeInteger(quotaBytes) || quotaBytes < 0))
        throw new CoreError('BAD_REQUEST', 'quota must be a whole number of bytes, 0 or more')
      accounts.get(id)
      db.prepare('UPDATE accounts SET quota_bytes = ? WHERE id = ?').run(quotaBytes, id)
      return accounts.get(id)
    },
  }
  return accounts
}
