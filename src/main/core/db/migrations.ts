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
  {
    version: 2,
    name: 'pin objects and the pins Kubo holds for them',
    sql: `
      -- One row per PSA pin object. Rows are deleted outright: a deleted pin never lists again.
      CREATE TABLE pins (
        id           INTEGER PRIMARY KEY,
        requestid    TEXT NOT NULL UNIQUE,
        account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        cid          TEXT NOT NULL,           -- exactly as the client sent it (echoed back)
        multihash    TEXT NOT NULL,           -- hex; a Qm... and its bafy... form share it
        name         TEXT,
        name_lower   TEXT,                    -- for iexact / ipartial
        origins      TEXT,                    -- JSON array, at most 20
        meta         TEXT,                    -- JSON object
        status       TEXT NOT NULL CHECK (status IN ('queued', 'pinning', 'pinned', 'failed')),
        created_at   INTEGER NOT NULL UNIQUE, -- ms since epoch, unique, never changes
        deadline_at  INTEGER NOT NULL,        -- when content that cannot be found fails
        info         TEXT,                    -- JSON object of strings (progress, status_details...)
        dag_size     INTEGER,                 -- bytes, once known; counts against the quota
        replaces     TEXT                     -- multihash of the pin this one replaced, held until it settles
      );
      CREATE INDEX pins_account_created ON pins(account_id, created_at);
      CREATE INDEX pins_account_status ON pins(account_id, status, created_at);
      CREATE INDEX pins_account_multihash ON pins(account_id, multihash, created_at);
      CREATE INDEX pins_account_name ON pins(account_id, name, created_at);
      CREATE INDEX pins_account_name_lower ON pins(account_id, name_lower, created_at);
      CREATE INDEX pins_multihash ON pins(multihash);
      CREATE INDEX pins_queue ON pins(status, created_at) WHERE status IN ('queued', 'pinning');
      CREATE INDEX pins_replaces ON pins(replaces) WHERE replaces IS NOT NULL;

      -- What the pins domain asked Kubo to pin, by multihash: written before pin/add, removed after pin/rm.
      -- Reconciliation at start unpins entries no pin object references any more.
      CREATE TABLE kubo_pins (
        multihash TEXT PRIMARY KEY,
        cid       TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'uploads: content in the object store, file records, folder entries',
    sql: `
      -- One row per distinct content: its bytes live once in the object store, under object_key.
      CREATE TABLE blobs (
        cid        TEXT PRIMARY KEY,          -- CIDv1 base32, as \`ipfs add --cid-version=1\` prints it
        object_key TEXT NOT NULL UNIQUE,
        size       INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      -- An account's uploads: files, and the folders they came in (kind 'dir', not listed as files).
      -- state is the CID's pin state in Kubo, the same on every row with that CID.
      CREATE TABLE files (
        id               INTEGER PRIMARY KEY,
        account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        cid              TEXT NOT NULL,
        multihash        TEXT NOT NULL,       -- hex, as pins.multihash: the key the pins domain compares by
        kind             TEXT NOT NULL DEFAULT 'file' CHECK (kind IN ('file', 'dir')),
        name             TEXT NOT NULL,
        path             TEXT,               -- relative path inside the uploaded folder
        size             INTEGER NOT NULL,
        mime             TEXT NOT NULL,
        state            TEXT NOT NULL CHECK (state IN ('stored', 'pinning', 'pinned', 'failed')),
        views            INTEGER NOT NULL DEFAULT 0,
        last_accessed_at INTEGER,
        created_at       INTEGER NOT NULL,
        UNIQUE (account_id, cid)
      );
      CREATE INDEX files_cid ON files(cid);
      CREATE INDEX files_multihash ON files(multihash);
      CREATE INDEX files_account_kind_created ON files(account_id, kind, created_at);
      -- The entries of uploaded folders, so the gateway can list and serve them before Kubo holds them.
      CREATE TABLE dir_entries (
        dir_cid TEXT NOT NULL,
        path    TEXT NOT NULL,                -- relative to the folder, '/'-separated
        cid     TEXT NOT NULL,                -- the file's CID (a blob)
        size    INTEGER NOT NULL,
        PRIMARY KEY (dir_cid, path)
      );
      CREATE INDEX dir_entries_cid ON dir_entries(cid);
      -- Objects being written; the next start removes them (and their unfinished multipart uploads).
      CREATE TABLE pending_uploads (
        object_key TEXT PRIMARY KEY,
        started_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'forwarding pins to remote targets (IPFS Cluster, Pinning Service API endpoints)',
    sql: `
      CREATE TABLE remotes (
        id              INTEGER PRIMARY KEY,
        name            TEXT NOT NULL UNIQUE,
        kind            TEXT NOT NULL CHECK (kind IN ('cluster', 'psa')),
        url             TEXT NOT NULL,
        auth            TEXT,              -- JSON; secrets stay in the data dir (0700) and never leave the core
        replication_min INTEGER,
        replication_max INTEGER,
        policy          TEXT NOT NULL CHECK (policy IN ('accounts', 'meta')),
        account_ids     TEXT NOT NULL DEFAULT '[]',
        known_peers     TEXT NOT NULL DEFAULT '{}', -- cluster peers and when each was last seen (ms)
        created_at      INTEGER NOT NULL
      );
      -- Desired and known state of each piece of content at each target, keyed by multihash.
      CREATE TABLE remote_pins (
        remote_id       INTEGER NOT NULL REFERENCES remotes(id) ON DELETE CASCADE,
        multihash       TEXT NOT NULL,
        cid             TEXT NOT NULL,
        name            TEXT,
        ref             TEXT,
        want            INTEGER NOT NULL,  -- 1: pin there; 0: remove there, then forget
        status          TEXT NOT NULL,
        details         TEXT,
        peers           TEXT,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (remote_id, multihash)
      );
      CREATE INDEX remote_pins_due ON remote_pins(next_attempt_at);
      CREATE INDEX remote_pins_multihash ON remote_pins(multihash);
    `,
  },
  {
    version: 5,
    name: 'one-time login tokens and browser sessions',
    sql: `
      -- A login link's token: exchanged once (the row is deleted on use) for a session; short-lived.
      CREATE TABLE login_tokens (
        token_hash TEXT PRIMARY KEY,       -- SHA-256 hex of the token; the token itself is never stored
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      -- A signed-in browser or desktop window. expires_at moves forward as it is used (idle expiry).
      CREATE TABLE sessions (
        id           INTEGER PRIMARY KEY,
        secret_hash  TEXT NOT NULL UNIQUE, -- SHA-256 hex of the secret in the cookie or Bearer header
        account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        created_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL
      );
      CREATE INDEX sessions_expires ON sessions(expires_at);
    `,
  },
  {
    version: 6,
    name: 'pin counts and pinned bytes per account and status, kept exact by triggers',
    sql: `
      -- Listing reports an exact \`count\`, and a quota check needs an account's pinned bytes: both read here in
      -- one lookup instead of scanning the account's pins. The triggers run inside the statement that changes
      -- pins, so the counts commit or roll back with it (cascades from accounts included).
      CREATE TABLE pin_counts (
        account_id INTEGER NOT NULL,
        status     TEXT NOT NULL,
        n          INTEGER NOT NULL,
        bytes      INTEGER NOT NULL,         -- SUM(dag_size) of those pins
        PRIMARY KEY (account_id, status)
      ) WITHOUT ROWID;
      INSERT INTO pin_counts (account_id, status, n, bytes)
        SELECT account_id, status, COUNT(*), COALESCE(SUM(dag_size), 0) FROM pins GROUP BY account_id, status;

      CREATE TRIGGER pin_counts_insert AFTER INSERT ON pins BEGIN
        INSERT INTO pin_counts (account_id, status, n, bytes) VALUES (NEW.account_id, NEW.status, 1, COALESCE(NEW.dag_size, 0))
          ON CONFLICT (account_id, status) DO UPDATE SET n = n + 1, bytes = bytes + COALESCE(NEW.dag_size, 0);
      END;
      CREATE TRIGGER pin_counts_delete AFTER DELETE ON pins BEGIN
        UPDATE pin_counts SET n = n - 1, bytes = bytes - COALESCE(OLD.dag_size, 0)
          WHERE account_id = OLD.account_id AND status = OLD.status;
      END;
      CREATE TRIGGER pin_counts_update AFTER UPDATE OF account_id, status, dag_size ON pins BEGIN
        UPDATE pin_counts SET n = n - 1, bytes = bytes - COALESCE(OLD.dag_size, 0)
          WHERE account_id = OLD.account_id AND status = OLD.status;
        INSERT INTO pin_counts (account_id, status, n, bytes) VALUES (NEW.account_id, NEW.status, 1, COALESCE(NEW.dag_size, 0))
          ON CONFLICT (account_id, status) DO UPDATE SET n = n + 1, bytes = bytes + COALESCE(NEW.dag_size, 0);
      END;
    `,
  },
  {
    version: 7,
    name: 'private files, signed-link secrets, CAR uploads',
    sql: `
      -- A private upload lives only in the object store: never added to Kubo, 404 on the open gateway. Its state
      -- stays 'stored' whatever other accounts' public copies of the same CID do (see files/private.ts).
      ALTER TABLE files ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
      -- The HMAC key of this record's signed links (links/); replaced to revoke every link at once.
      ALTER TABLE files ADD COLUMN link_secret BLOB;
      -- 'car': the object is a verified CAR whose root is the blob's CID; Kubo gets it by dag/import.
      ALTER TABLE blobs ADD COLUMN format TEXT NOT NULL DEFAULT 'raw' CHECK (format IN ('raw', 'car'));
    `,
  },
  {
    version: 8,
    name: 'pins: fewer indexes to write on every insert',
    sql: `
      -- Each POST wrote ten B-trees. These three duplicate others: every listing names its statuses (served
      -- by pins_account_status), a CID filter finds its few rows by pins_multihash, and an exact name by
      -- name_lower (then compares name). Rows without a name no longer enter the name index. Measured on a
      -- single-row insert: 127 µs before, 86 µs after; 31 µs when 20 share a transaction (pins/batch.ts).
      DROP INDEX pins_account_created;
      DROP INDEX pins_account_name;
      DROP INDEX pins_account_multihash;
      DROP INDEX pins_account_name_lower;
      CREATE INDEX pins_account_name_lower ON pins(account_id, name_lower, created_at) WHERE name_lower IS NOT NULL;
    `,
  },
  {
    version: 9,
    name: 'uploads usage per account kept by triggers; unsized pinned objects',
    sql: `
      -- Bytes of each account's uploads that none of its pinned pin objects counts already (an upload, once
      -- pinned, is also a pin object of the same size): what files/repo.ts usageOf summed over the account's
      -- files on every quota check, i.e. every POST of an account with a quota. Triggers keep it exact in the
      -- transaction of every change to files or pins; tests/files-usage.test.ts checks it against that sum.
      -- The unary + keeps SQLite on the content indexes (pins_multihash, files_multihash): without statistics it
      -- would take an account's index and walk all of that account's rows.
      CREATE TABLE file_usage (
        account_id INTEGER PRIMARY KEY,
        bytes      INTEGER NOT NULL
      );
      INSERT INTO file_usage (account_id, bytes)
        SELECT account_id, SUM(size) FROM files f WHERE kind = 'file' AND NOT EXISTS
          (SELECT 1 FROM pins p WHERE p.account_id = f.account_id AND p.multihash = f.multihash AND p.status = 'pinned')
        GROUP BY account_id;

      CREATE TRIGGER file_usage_file_insert AFTER INSERT ON files
      WHEN NEW.kind = 'file' AND NOT EXISTS (SELECT 1 FROM pins WHERE +account_id = NEW.account_id AND multihash = NEW.multihash AND +status = 'pinned') BEGIN
        INSERT INTO file_usage (account_id, bytes) VALUES (NEW.account_id, NEW.size)
          ON CONFLICT (account_id) DO UPDATE SET bytes = bytes + excluded.bytes;
      END;
      CREATE TRIGGER file_usage_file_delete AFTER DELETE ON files
      WHEN OLD.kind = 'file' AND NOT EXISTS (SELECT 1 FROM pins WHERE +account_id = OLD.account_id AND multihash = OLD.multihash AND +status = 'pinned') BEGIN
        UPDATE file_usage SET bytes = bytes - OLD.size WHERE account_id = OLD.account_id;
      END;
      CREATE TRIGGER file_usage_file_update_old AFTER UPDATE OF account_id, multihash, kind, size ON files
      WHEN OLD.kind = 'file' AND NOT EXISTS (SELECT 1 FROM pins WHERE +account_id = OLD.account_id AND multihash = OLD.multihash AND +status = 'pinned') BEGIN
        UPDATE file_usage SET bytes = bytes - OLD.size WHERE account_id = OLD.account_id;
      END;
      CREATE TRIGGER file_usage_file_update_new AFTER UPDATE OF account_id, multihash, kind, size ON files
      WHEN NEW.kind = 'file' AND NOT EXISTS (SELECT 1 FROM pins WHERE +account_id = NEW.account_id AND multihash = NEW.multihash AND +status = 'pinned') BEGIN
        INSERT INTO file_usage (account_id, bytes) VALUES (NEW.account_id, NEW.size)
          ON CONFLICT (account_id) DO UPDATE SET bytes = bytes + excluded.bytes;
      END;

      -- A content's uploads stop counting when the account's first pinned object of it appears, and count
      -- again when its last one goes (deleted, or no longer pinned).
      CREATE TRIGGER file_usage_pin_insert AFTER INSERT ON pins
      WHEN NEW.status = 'pinned' AND (SELECT COUNT(*) FROM pins WHERE +account_id = NEW.account_id AND multihash = NEW.multihash AND +status = 'pinned') = 1 BEGIN
        UPDATE file_usage SET bytes = bytes - (SELECT COALESCE(SUM(size), 0) FROM files WHERE +account_id = NEW.account_id AND multihash = NEW.multihash AND +kind = 'file') WHERE account_id = NEW.account_id;
      END;
      CREATE TRIGGER file_usage_pin_delete AFTER DELETE ON pins
      WHEN OLD.status = 'pinned' AND NOT EXISTS (SELECT 1 FROM pins WHERE +account_id = OLD.account_id AND multihash = OLD.multihash AND +status = 'pinned') BEGIN
        INSERT INTO file_usage (account_id, bytes) VALUES (OLD.account_id, (SELECT COALESCE(SUM(size), 0) FROM files WHERE +account_id = OLD.account_id AND multihash = OLD.multihash AND +kind = 'file'))
          ON CONFLICT (account_id) DO UPDATE SET bytes = bytes + excluded.bytes;
      END;
      CREATE TRIGGER file_usage_pin_update_old AFTER UPDATE OF account_id, multihash, status ON pins
      WHEN OLD.status = 'pinned' AND NOT (NEW.status = 'pinned' AND NEW.account_id = OLD.account_id AND NEW.multihash = OLD.multihash) AND NOT EXISTS (SELECT 1 FROM pins WHERE +account_id = OLD.account_id AND multihash = OLD.multihash AND +status = 'pinned') BEGIN
        INSERT INTO file_usage (account_id, bytes) VALUES (OLD.account_id, (SELECT COALESCE(SUM(size), 0) FROM files WHERE +account_id = OLD.account_id AND multihash = OLD.multihash AND +kind = 'file'))
          ON CONFLICT (account_id) DO UPDATE SET bytes = bytes + excluded.bytes;
      END;
      CREATE TRIGGER file_usage_pin_update_new AFTER UPDATE OF account_id, multihash, status ON pins
      WHEN NEW.status = 'pinned' AND NOT (OLD.status = 'pinned' AND OLD.account_id = NEW.account_id AND OLD.multihash = NEW.multihash) AND (SELECT COUNT(*) FROM pins WHERE +account_id = NEW.account_id AND multihash = NEW.multihash AND +status = 'pinned') = 1 BEGIN
        UPDATE file_usage SET bytes = bytes - (SELECT COALESCE(SUM(size), 0) FROM files WHERE +account_id = NEW.account_id AND multihash = NEW.multihash AND +kind = 'file') WHERE account_id = NEW.account_id;
      END;
      -- Pinned objects whose size is not written yet (fetch-job.ts settles quota-less ones first); few or none,
      -- so the start finds any a stop left behind without a scan.
      CREATE INDEX pins_unsized ON pins(multihash) WHERE status = 'pinned' AND dag_size IS NULL;

      CREATE TRIGGER file_usage_account_delete AFTER DELETE ON accounts BEGIN
        DELETE FROM file_usage WHERE account_id = OLD.id;
      END;
    `,
  },
  {
    version: 10,
    name: 'one copy: a blob lives in the object store or, once pinned, in Kubo only',
    sql: `
      -- 'store': the object under object_key holds the bytes. 'kubo': a pinned upload covers the content and
      -- Kubo's blockstore holds the only copy (object_key names an object that is gone or going).
      -- Existing blobs start as 'store'; the start's reconciliation moves the pinned ones (files/placement.ts).
      ALTER TABLE blobs ADD COLUMN location TEXT NOT NULL DEFAULT 'store' CHECK (location IN ('store', 'kubo'));
      CREATE INDEX blobs_in_kubo ON blobs(cid) WHERE location = 'kubo';
      CREATE INDEX blobs_in_store ON blobs(cid) WHERE location = 'store';
    `,
  },
  {
    version: 11,
    name: 'signed links: the expiry of each link made, so revoking can say how many stop working',
    sql: `
      -- One row per signed link made since the record's secret was last replaced (links/index.ts). Checking a
      -- link never reads it (the signature is the credential); it only counts the live links a revoke breaks.
      CREATE TABLE file_links (
        file_id    INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL              -- unix seconds, as in the link's e parameter
      );
      CREATE INDEX file_links_file ON file_links(file_id, expires_at);
    `,
  },
  {
    version: 12,
    name: 'pins: exact filtered counts without scanning the account (time buckets, meta entries, name trigrams)',
    sql: `
      -- A listing's \`count\` is exact, and with before/after, meta or a partial name it counted by walking every pin
      -- of the account (69 ms, 643 ms and 700 ms at 1M pins). Three structures, each kept by triggers in the
      -- statement that changes pins, let it count without that walk (pins/store.ts countOf):

      -- Pins per (account, status) in time buckets of 2^12 ms (level 12) and 2^22 ms (level 22): a count of
      -- created_at < t sums the coarse buckets before t's, the fine ones inside t's coarse bucket (at most 1024)
      -- and the pins of t's fine bucket itself (at most 4096 per status, created_at being unique).
      CREATE TABLE pin_time_counts (
        account_id INTEGER NOT NULL,
        status     TEXT NOT NULL,
        level      INTEGER NOT NULL,         -- bucket = created_at >> level
        bucket     INTEGER NOT NULL,
        n          INTEGER NOT NULL,
        PRIMARY KEY (account_id, status, level, bucket)
      ) WITHOUT ROWID;
      INSERT INTO pin_time_counts (account_id, status, level, bucket, n)
        SELECT account_id, status, 12, created_at >> 12, COUNT(*) FROM pins GROUP BY account_id, status, created_at >> 12;
      INSERT INTO pin_time_counts (account_id, status, level, bucket, n)
        SELECT account_id, status, 22, created_at >> 22, COUNT(*) FROM pins GROUP BY account_id, status, created_at >> 22;
      CREATE TRIGGER pin_time_counts_insert AFTER INSERT ON pins BEGIN
        INSERT INTO pin_time_counts (account_id, status, level, bucket, n)
          VALUES (NEW.account_id, NEW.status, 12, NEW.created_at >> 12, 1), (NEW.account_id, NEW.status, 22, NEW.created_at >> 22, 1)
          ON CONFLICT DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER pin_time_counts_delete AFTER DELETE ON pins BEGIN
        UPDATE pin_time_counts SET n = n - 1 WHERE account_id = OLD.account_id AND status = OLD.status
          AND ((level = 12 AND bucket = OLD.created_at >> 12) OR (level = 22 AND bucket = OLD.created_at >> 22));
      END;
      CREATE TRIGGER pin_time_counts_update AFTER UPDATE OF account_id, status, created_at ON pins BEGIN
        UPDATE pin_time_counts SET n = n - 1 WHERE account_id = OLD.account_id AND status = OLD.status
          AND ((level = 12 AND bucket = OLD.created_at >> 12) OR (level = 22 AND bucket = OLD.created_at >> 22));
        INSERT INTO pin_time_counts (account_id, status, level, bucket, n)
          VALUES (NEW.account_id, NEW.status, 12, NEW.created_at >> 12, 1), (NEW.account_id, NEW.status, 22, NEW.created_at >> 22, 1)
          ON CONFLICT DO UPDATE SET n = n + 1;
      END;

      -- One row per meta entry of a pin, so a meta filter finds its pins by index (json_each read every pin's meta).
      CREATE TABLE pin_meta (
        account_id INTEGER NOT NULL,
        key        TEXT NOT NULL,
        value      TEXT NOT NULL,
        created_at INTEGER NOT NULL,         -- the pin's (unique)
        PRIMARY KEY (account_id, key, value, created_at)
      ) WITHOUT ROWID;
      INSERT INTO pin_meta (account_id, key, value, created_at)
        SELECT p.account_id, j.key, j.value, p.created_at FROM pins p, json_each(p.meta) j WHERE p.meta IS NOT NULL;
      CREATE TRIGGER pin_meta_insert AFTER INSERT ON pins WHEN NEW.meta IS NOT NULL BEGIN
        INSERT INTO pin_meta (account_id, key, value, created_at)
          SELECT NEW.account_id, key, value, NEW.created_at FROM json_each(NEW.meta);
      END;
      CREATE TRIGGER pin_meta_delete AFTER DELETE ON pins WHEN OLD.meta IS NOT NULL BEGIN
        DELETE FROM pin_meta WHERE account_id = OLD.account_id AND created_at = OLD.created_at
          AND (key, value) IN (SELECT key, value FROM json_each(OLD.meta));
      END;
      CREATE TRIGGER pin_meta_update AFTER UPDATE OF account_id, meta, created_at ON pins BEGIN
        DELETE FROM pin_meta WHERE account_id = OLD.account_id AND created_at = OLD.created_at
          AND (key, value) IN (SELECT key, value FROM json_each(OLD.meta));
        INSERT INTO pin_meta (account_id, key, value, created_at)
          SELECT NEW.account_id, key, value, NEW.created_at FROM json_each(NEW.meta);
      END;

      -- Trigrams of every name (as given, and lowercased), case-sensitive: a partial name of 3 characters or more
      -- finds its candidates here; the listing still compares with instr(), so the result is exact.
      CREATE VIRTUAL TABLE pin_names USING fts5(name, name_lower, content = 'pins', content_rowid = 'id',
        tokenize = 'trigram case_sensitive 1');
      INSERT INTO pin_names (rowid, name, name_lower) SELECT id, name, name_lower FROM pins WHERE name IS NOT NULL;
      CREATE TRIGGER pin_names_insert AFTER INSERT ON pins WHEN NEW.name IS NOT NULL BEGIN
        INSERT INTO pin_names (rowid, name, name_lower) VALUES (NEW.id, NEW.name, NEW.name_lower);
      END;
      CREATE TRIGGER pin_names_delete AFTER DELETE ON pins WHEN OLD.name IS NOT NULL BEGIN
        INSERT INTO pin_names (pin_names, rowid, name, name_lower) VALUES ('delete', OLD.id, OLD.name, OLD.name_lower);
      END;
      CREATE TRIGGER pin_names_update AFTER UPDATE OF name, name_lower ON pins BEGIN
        INSERT INTO pin_names (pin_names, rowid, name, name_lower)
          SELECT 'delete', OLD.id, OLD.name, OLD.name_lower WHERE OLD.name IS NOT NULL;
        INSERT INTO pin_names (rowid, name, name_lower) SELECT NEW.id, NEW.name, NEW.name_lower WHERE NEW.name IS NOT NULL;
      END;
    `,
  },
  {
    version: 13,
    name: 'forwarding targets: since when each fails, kept across a restart',
    sql: `
      -- When the current outage of a target began (ms); NULL while it answers. The forwarder keeps it in memory
      -- and writes only its changes (the first failure, the first answer), so a restart keeps "since when".
      ALTER TABLE remotes ADD COLUMN failing_since INTEGER;
    `,
  },
]
