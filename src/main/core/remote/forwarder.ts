// The forwarding loop. It is level-triggered: each pass compares what should be at each target (every
// locally pinned object that the target's policy selects) with what Tack knows is there, queues the
// difference, then works through the rows that are due. A target that is down only pushes its rows'
// next attempt back (with backoff); it never blocks local pinning or the other targets. Everything lives
// in SQLite, so a restart picks up where the last run stopped.
import type { Logger } from '../log.js'
import type { Remote, RemotePin, RemoteStore } from './store.js'
import type { RemoteTarget } from './targets.js'

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
const BATCH = 50
const REQUEST_TIMEOUT_MS = 15_000

export function selects(remote: Remote, pin: LocalPin): boolean {
  if (remote.policy === 'accounts') return remote.accountIds.includes(pin.accountId)
  const wanted = pin.meta?.[META_KEY]
  return !!wanted && wanted.split(',').some((w) => w.trim() === '*' || w.trim() === remote.name)
}

export function createForwarder(init: ForwarderInit) {
  const { store, log } = init

  function plan(now = Date.now()) {
    const pins = init.localPins()
    for (const remote of store.list()) {
      const wanted = new Map<string, LocalPin>()
      for (const pin of pins) if (selects(remote, pin) && !wanted.has(pin.multihash)) wanted.set(pin.multihash, pin)
      for (const pin of wanted.values()) store.want(remote.id, pin)
      for (const known of store.pins(remote.id)) if (known.want && !wanted.has(known.multihash)) store.unwant(remote.id, known.multihash)
    }
    return now
  }

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
      const state = await target.state(ref, signal)
      // Settled pins are still checked now and then, so a peer that lost data or came back shows up.
      const settled = state.status === 'pinned' || state.status === 'failed'
      const next = { ...row, ref, ...state, attempts: 0, nextAttempt: now + (settled ? init.pollMs * 5 : init.pollMs) }
      store.update(next)
      if (state.status !== row.status || state.details !== row.details) init.onChange?.(next)
      return true
    } catch (err) {
      const attempts = row.attempts + 1
      const backoff = Math.min(init.pollMs * 2 ** Math.min(attempts, 10), MAX_BACKOFF_MS)
      const details = `${remote.name} unreachable or refused: ${(err as Error).message}; retrying`
      const next = { ...row, attempts, details, nextAttempt: now + backoff }
      store.update(next)
      if (details !== row.details) init.onChange?.(next)
      if (attempts === 1) log.warn('forwarding failed', { target: remote.name, cid: row.cid, error: (err as Error).message })
      return false
    }
  }

  /** One pass: plan, then every due row once. Targets are worked in parallel, each target's rows in turn. */
  async function pass(): Promise<void> {
    const now = plan()
    const remotes = new Map(store.list().map((r) => [r.id, r]))
    const byTarget = new Map<number, RemotePin[]>()
    for (const row of store.due(now, BATCH)) byTarget.set(row.remoteId, [...(byTarget.get(row.remoteId) ?? []), row])
    await Promise.all(
      [...byTarget].map(async ([id, rows]) => {
        const remote = remotes.get(id)
        if (!remote) return
        // A target that just failed is not asked again for its other rows in this pass.
        for (const row of rows) if (!(await work(row, remote))) break
      }),
    )
  }

  return { pass, plan }
}
