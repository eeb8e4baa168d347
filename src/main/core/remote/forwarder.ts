// The forwarding loop. It is level-triggered: each pass compares what should be at each target (every
// locally pinned object that the target's policy selects) with what Tack knows is there, queues the
// difference, then works through the rows that are due. A target that is down only pushes its rows'
// next attempt back (with backoff); it never blocks local pinning or the other targets. Everything lives
// in SQLite, so a restart picks up where the last run stopped.
import type { Logger } from '../log.js'
import type { Remote, RemotePin, RemoteStore } from './store.js'
import { RemoteHttpError, type RemoteTarget } from './targets.js'
import { describeFailure } from './reasons.js'
import { ownState } from './words.js'

/** 4xx answers are about the pin itself, except those that say the target is unwilling to talk at all. */
const isRowError = (status: number) => status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status)

/** A pin object that is pinned locally, as the pins domain reports it. */
export interface LocalPin {
  multihash: string
  cid: string
  name?: string
  accountId: number
  meta?: Record<string, string>
}

export const META_KEY = 'tack.remote'

export interface ForwarderInit {
  store: RemoteStore
  log: Logger
  localPins(): LocalPin[]
  /** Tack's Kubo addresses (with /p2p/), so the target can fetch from us. */
  origins(): string[]
  targetFor(remote: Remote): RemoteTarget
  /** How soon an in-flight pin is polled again. */
  pollMs: number
  /** Called when a row's state changed (to refresh pins' info, notify the UI). */
  onChange?(pin: RemotePin): void
}

const MAX_BACKOFF_MS = 60_000
const MAX_TARGET_BACKOFF_MS = 15_000
const BATCH = 50
const REQUEST_TIMEOUT_MS = 15_000

export function selects(remote: Remote, pin: Pick<LocalPin, 'accountId' | 'meta'>): boolean {
  if (remote.policy === 'accounts') return remote.accountIds.includes(pin.accountId)
  const wanted = pin.meta?.[META_KEY]
  return !!wanted && wanted.split(',').some((w) => w.trim() === '*' || w.trim() === remote.name)
}

export function createForwarder(init: ForwarderInit) {
  const { store, log } = init

  function plan(now = Date.now()) {
    const remotes = store.list()
    // Reading every pinned object is the costly part: not worth it while nothing is forwarded.
    if (!remotes.length) return now
    const pins = init.localPins()
    for (const remote of remotes) {
      const wanted = new Map<string, LocalPin>()
      for (const pin of pins) if (selects(remote, pin) && !wanted.has(pin.multihash)) wanted.set(pin.multihash, pin)
      for (const pin of wanted.values()) store.want(remote.id, pin)
      for (const known of store.pins(remote.id)) if (known.want && !wanted.has(known.multihash)) store.unwant(remote.id, known.multihash)
    }
    return now
  }

  // Targets that could not be reached, with when to try again and since when they fail (the first failure
  // of this outage: a window or a CLI that looks later reads the same time). A target is down or up as a
  // whole: one probe at a time while it is down, its whole queue as soon as it answers again.
  // Seeded from the database: an outage that began before a restart keeps its start (probed again at once).
  const down = new Map<number, { failures: number; retryAt: number; since: number }>(
    [...store.failingSince()].map(([id, since]) => [id, { failures: 0, retryAt: 0, since }]),
  )
  // The last error talking to each target (unreachable, or refused by the URL guard), until it answers again.
  const lastErrors = new Map<number, string>()

  /** Moves one row one step; false when the target could not be reached. */
  async function work(row: RemotePin, remote: Remote): Promise<boolean> {
    const target = init.targetFor(remote)
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    const now = Date.now()
    try {
      if (!row.want) {
        if (row.ref) await target.remove(row.ref, signal)
        store.forget(remote.id, row.multihash)
        log.info('removed from target', { target: remote.name, cid: row.cid })
        return true
      }
      const ref = row.ref ?? (await target.add({ cid: row.cid, name: row.name, origins: init.origins() }, signal))
      // Whatever kind of target: a checked status and bounded details (words.ts), before it is stored.
      const state = ownState(await target.state(ref, signal))
      // Settled pins are still checked now and then, so a peer that lost data or came back shows up.
      const settled = state.status === 'pinned' || state.status === 'failed'
      const next = { ...row, ref, ...state, attempts: 0, nextAttempt: now + (settled ? init.pollMs * 5 : init.pollMs) }
      store.update(next)
      if (state.status !== row.status || state.details !== row.details) init.onChange?.(next)
      return true
    } catch (err) {
      const message = (err as Error).message
      if (err instanceof RemoteHttpError && isRowError(err.status)) {
        // The target answered but refused this pin (a CID it rejects, say): retry this one slowly.
        const attempts = row.attempts + 1
        const backoff = Math.min(init.pollMs * 2 ** Math.min(attempts, 10), MAX_BACKOFF_MS)
        // Every forwarded account reads the details: the status and the Failure's reason only. The target's
        // own words (its URL path, its body) go to the log, for the admin.
        const details = `${remote.name} refused (HTTP ${err.status}${err.reason ? `: ${err.reason}` : ''})`
        const next = { ...row, attempts, status: 'failed' as const, details, nextAttempt: now + backoff }
        if (attempts === 1) log.warn('target refused a pin', { target: remote.name, cid: row.cid, error: message })
        store.update(next)
        init.onChange?.(next)
        return true
      }
      lastErrors.set(remote.id, describeFailure(err))
      const was = down.get(remote.id)
      const failures = (was?.failures ?? 0) + 1
      const retryAt = now + Math.min(init.pollMs * 2 ** Math.min(failures, 10), MAX_TARGET_BACKOFF_MS)
      down.set(remote.id, { failures, retryAt, since: was?.since ?? now })
      if (!was) store.setFailingSince(remote.id, now)
      // The network's reason names the target's address: it stays in the admin's status (lastError), not in
      // what every forwarded account's pin says.
      const details = `${remote.name} unreachable; retrying`
      // Every row it changed, not only the one tried: a pin queued while the target was down learns it too.
      for (const multihash of store.markUnreachable(remote.id, details)) init.onChange?.({ ...row, multihash, details })
      if (failures === 1) log.warn('target unreachable', { target: remote.name, error: message })
      return false
    }
  }

  /**
   * One pass: plan (when asked: after a pin changed, and now and then), then every due row once. Targets
   * are worked in parallel, each target's rows in turn; a target that is down waits for its next probe.
   */
  async function pass(options: { plan: boolean }): Promise<void> {
    const now = options.plan ? plan() : Date.now()
    const remotes = new Map(store.list().map((r) => [r.id, r]))
    const byTarget = new Map<number, RemotePin[]>()
    for (const row of store.due(now, BATCH)) byTarget.set(row.remoteId, [...(byTarget.get(row.remoteId) ?? []), row])
    await Promise.all(
      [...byTarget].map(async ([id, rows]) => {
        const remote = remotes.get(id)
        if (!remote || (down.get(id)?.retryAt ?? 0) > now) return
        for (const row of rows) {
          if (!(await work(row, remote))) return
          lastErrors.delete(id)
          if (down.delete(id)) {
            store.setFailingSince(id, null)
            log.info('target reachable again', { target: remote.name })
          }
        }
      }),
    )
  }

  /** Whether the target answered the last time it was tried; when not, why (in words) and since when. */
  const health = (remoteId: number) => {
    const since = down.get(remoteId)?.since
    return {
      reachable: since === undefined,
      lastError: lastErrors.get(remoteId) ?? null,
      failingSince: since === undefined ? null : new Date(since).toISOString(),
    }
  }

  return { pass, plan, health }
}
