// Numbered migrations. Each runs once, in a transaction, and bumps PRAGMA user_version. Never edit one that
// has shipped: add the next.

export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'accounts and keys',
    sql: `
      CREATE TABLE accounts (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        quota_bytes INTEGER,              -- NULL: no quota (the owner)
        is_owner    INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX accounts_one_owner ON accounts(is_owner) WHERE is_owner = 1;

      CREATE TABLE api_keys (
        id           TEXT PRIMARY KEY,
        account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        secret_hash  TEXT NOT NULL UNIQUE, -- sha256 of the secret; the secret itself is never stored
        scopes       TEXT NOT NULL,        -- space-separated
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at   INTEGER
      );
      CREATE INDEX api_keys_account ON api_keys(account_id);

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
]
