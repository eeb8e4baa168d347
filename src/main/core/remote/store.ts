// The SQL of forwarding: the targets (with their secrets, which never leave the core) and, per target, the
// state of every piece of content Tack wants there or wants gone from there.
import type { Status } from '../../../shared/psa.js'
import type { Db } from '../db/index.js'
import { cached } from '../db/statements.js'
import type { RemoteAuth } from './targets.js'

export type RemoteKind = 'cluster' | 'psa'

export interface Remote {
  id: number
  name: string
  kind: RemoteKind
  url: string
  auth?: RemoteAuth
  replicationMin?: number
  replicationMax?: number
  /** `accounts`: every pin of these accounts; `meta`: pins whose meta `tack.remote` names this target or `*`. */
  policy: 'accounts' | 'meta'
  accountIds: number[]
  created: Date
}

export interface RemotePin {
  remoteId: number
  multihash: string
  cid: string
  name?: string
  /** The target's reference (cluster: CID; PSA: requestid), once it accepted the pin. */
  ref?: string
  /** true: should be pinned there; false: should be removed there. */
  want: boolean
  status: Status
  details?: string
  peers?: string
  attempts: number
  nextAttempt: number
}

interface RemoteRow {
  id: number
  name: string
  kind: RemoteKind
  url: string
  auth: string | null
  replication_min: number | null
  replication_max: number | null
  policy: 'accounts' | 'meta'
  account_ids: string
  created_at: number
}

interface PinRow {
  remote_id: number
  multihash: string
  cid: string
  name: string | null
  ref: string | null
  want: number
  status: Status
  details: string | null
  peers: string | null
  attempts: number
  next_attempt_at: number
}

const toRemote = (r: RemoteRow): Remote => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  url: r.url,
  auth: r.auth ? (JSON.parse(r.auth) as RemoteAuth) : undefined,
  replicationMin: r.replication_min ?? undefined,
  replicationMax: r.replication_max ?? undefined,
  policy: r.policy,
  accountIds: JSON.parse(r.account_ids) as number[],
  created: new Date(r.created_at),
})

const toPin = (r: PinRow): RemotePin => ({
  remoteId: r.remote_id,
  multihash: r.multihash,
  cid: r.cid,
  name: r.name ?? undefined,
  ref: r.ref ?? undefined,
  want: r.want === 1,
  status: r.status,
  details: r.details ?? undefined,
  peers: r.peers ?? undefined,
  attempts: r.attempts,
  nextAttempt: r.next_attempt_at,
})

export type RemoteStore = ReturnType<typeof createRemoteStore>

// A cluster peer not seen for this long is taken to have left the cluster for good.
const PEER_RETENTION_MS = 24 * 60 * 60 * 1000
const PEER_SEEN_PRECISION_MS = 60_000

export function createRemoteStore(db: Db) {
  const prepare = <P extends unknown[] = unknown[], R = unknown>(sql: string) => cached<P, R>(db, sql)
  return {
    insert(r: Omit<Remote, 'id' | 'created'>): Remote {
      const { lastInsertRowid } = prepare(
        `INSERT INTO remotes (name, kind, url, auth, replication_min, replication_max, policy, account_ids, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(r.name, r.kind, r.url, r.auth ? JSON.stringify(r.auth) : null, r.replicationMin ?? null,
        r.replicationMax ?? null, r.policy, JSON.stringify(r.accountIds), Date.now())
      return toRemote(prepare<[number], RemoteRow>('SELECT * FROM remotes WHERE id = ?').get(Number(lastInsertRowid))!)
    },
    list: (): Remote[] => prepare<[], RemoteRow>('SELECT * FROM remotes ORDER BY id').all().map(toRemote),
    byName(name: string): Remote | undefined {
      const row = prepare<[string], RemoteRow>('SELECT * FROM remotes WHERE name = ?').get(name)
      return row && toRemote(row)
    },
    delete: (id: number) => prepare('DELETE FROM remotes WHERE id = ?').run(id).changes > 0,
    /** Since when each failing target fails (ms), as last written. */
    failingSince: (): Map<number, number> =>
      new Map(
        prepare<[], { id: number; failing_since: number }>(
          'SELECT id, failing_since FROM remotes WHERE failing_since IS NOT NULL',
        )
          .all()
          .map((r) => [r.id, r.failing_since]),
      ),
    setFailingSince: (id: number, since: number | null) =>
      void prepare('UPDATE remotes SET failing_since = ? WHERE id = ?').run(since, id),

    pins: (remoteId: number): RemotePin[] =>
      prepare<[number], PinRow>('SELECT * FROM remote_pins WHERE remote_id = ?').all(remoteId).map(toPin),
    due: (now: number, limit: number): RemotePin[] =>
      prepare<[number, number], PinRow>(
        'SELECT * FROM remote_pins WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?',
      )
        .all(now, limit)
        .map(toPin),
    /** Wants the content at the target (again); keeps the target's reference if it has one. */
    want(remoteId: number, c: { multihash: string; cid: string; name?: string }) {
      prepare(
        `INSERT INTO remote_pins (remote_id, multihash, cid, name, want, status, attempts, next_attempt_at)
         VALUES (?, ?, ?, ?, 1, 'queued', 0, 0)
         ON CONFLICT (remote_id, multihash) DO UPDATE SET want = 1, attempts = 0, next_attempt_at = 0
         WHERE want = 0`,
      ).run(remoteId, c.multihash, c.cid, c.name ?? null)
    },
    unwant(remoteId: number, multihash: string) {
      prepare(
        `UPDATE remote_pins SET want = 0, attempts = 0, next_attempt_at = 0 WHERE remote_id = ? AND multihash = ? AND want = 1`,
      ).run(remoteId, multihash)
    },
    update(p: Pick<RemotePin, 'remoteId' | 'multihash'> & Partial<RemotePin>) {
      const current = prepare<[number, string], PinRow>(
        'SELECT * FROM remote_pins WHERE remote_id = ? AND multihash = ?',
      ).get(p.remoteId, p.multihash)
      if (!current) return
      const next = { ...toPin(current), ...p }
      prepare(
        `UPDATE remote_pins SET ref = ?, status = ?, details = ?, peers = ?, attempts = ?, next_attempt_at = ?
         WHERE remote_id = ? AND multihash = ?`,
      ).run(next.ref ?? null, next.status, next.details ?? null, next.peers ?? null, next.attempts, next.nextAttempt,
        p.remoteId, p.multihash)
    },
    /** Says on every pin wanted at a target why it is not moving; returns how many rows changed. */
    /** Notes on every wanted row of the target that it cannot be reached; returns the content of those changed. */
    markUnreachable: (remoteId: number, details: string): string[] =>
      prepare<[string, number, string], { multihash: string }>(
        'UPDATE remote_pins SET details = ? WHERE remote_id = ? AND want = 1 AND details IS NOT ? RETURNING multihash',
      )
        .all(details, remoteId, details)
        .map((r) => r.multihash),
    /** Remembers when each cluster peer was last seen; returns those seen within the retention window. */
    knownPeers(remoteId: number, seen: string[], now = Date.now(), retainMs = PEER_RETENTION_MS): string[] {
      const row = prepare<[number], { known_peers: string }>('SELECT known_peers FROM remotes WHERE id = ?').get(remoteId)
      const known = JSON.parse(row?.known_peers ?? '{}') as Record<string, number>
      let changed = false
      for (const id of seen) {
        // Last-seen times only need minute precision; most polls then write nothing.
        if (known[id] !== undefined && now - known[id] <= PEER_SEEN_PRECISION_MS) continue
        known[id] = now
        changed = true
      }
      for (const [id, at] of Object.entries(known)) {
        if (seen.includes(id) || now - at <= retainMs) continue
        delete known[id]
        changed = true
      }
      if (changed) prepare('UPDATE remotes SET known_peers = ? WHERE id = ?').run(JSON.stringify(known), remoteId)
      return Object.keys(known)
    },
    forget: (remoteId: number, multihash: string) =>
      prepare('DELETE FROM remote_pins WHERE remote_id = ? AND multihash = ?').run(remoteId, multihash),
    /** Every target's state for one piece of content, for a pin's `info`. */
    statesFor(multihash: string): Array<RemotePin & { remoteName: string }> {
      return prepare<[string], PinRow & { remote_name: string }>(
        `SELECT rp.*, r.name AS remote_name FROM remote_pins rp JOIN remotes r ON r.id = rp.remote_id
         WHERE rp.multihash = ? AND rp.want = 1`,
      )
        .all(multihash)
        .map((r) => ({ ...toPin(r), remoteName: r.remote_name }))
    },
    counts(remoteId: number): Record<string, number> {
      const rows = prepare<[number], { status: string; want: number; n: number }>(
        'SELECT status, want, COUNT(*) AS n FROM remote_pins WHERE remote_id = ? GROUP BY status, want',
      ).all(remoteId)
      const out: Record<string, number> = { queued: 0, pinning: 0, pinned: 0, failed: 0, removing: 0 }
      for (const r of rows) out[r.want ? r.status : 'removing'] = (out[r.want ? r.status : 'removing'] ?? 0) + r.n
      return out
    },
  }
}
