// Forwarding pins to remote targets (IPFS Cluster, other Pinning Service API endpoints). Manages the
// targets, runs the forwarding loop beside the local pin worker, and reports each target's state for the
// pins' `info` and for /api/status. Targets' secrets never leave this module.
import { CoreError } from '../errors.js'
import type { Db } from '../db/index.js'
import type { Logger } from '../log.js'
import { ownState } from './words.js'
import { createForwarder, selects, type LocalPin } from './forwarder.js'
import { createRemoteStore, type Remote, type RemoteKind } from './store.js'
import { clusterTarget, psaTarget } from './targets.js'
import { createGuardedSender } from './send.js'
import { createUrlGuard, parseTargetUrl } from './url-guard.js'

export { META_KEY } from './forwarder.js'
export type { LocalPin } from './forwarder.js'

/** A new target: what the store keeps, with the accounts optional (policy `meta` needs none). */
export type RemoteInput = Omit<Remote, 'id' | 'created' | 'accountIds'> & { accountIds?: number[] }

export interface PublicRemote {
  id: number
  name: string
  kind: RemoteKind
  url: string
  auth: 'none' | 'basic' | 'bearer'
  replicationMin?: number
  replicationMax?: number
  policy: 'accounts' | 'meta'
  accountIds: number[]
  created: string
  pins: Record<string, number>
  /** false while the last attempt to reach the target failed. */
  reachable: boolean
  /** Why the last attempt failed (unreachable, or refused because the URL points at Tack itself), in words. */
  lastError: string | null
  /** When the current outage began (ISO), as the server saw it; null while reachable. */
  failingSince: string | null
}

export interface RemotesInit {
  db: Db
  log: Logger
  localPins(): LocalPin[]
  origins(): string[]
  pollMs: number
  /** The ports of Tack's own listeners (API, LAN, Kubo, MinIO): targets there on this machine are refused. */
  ownPorts(): number[]
  /** Told when content's state at a target changed. */
  onChange?(multihash: string): void
}

export interface Remotes {
  /** Validates (URL guard included: it may resolve the host name) and stores a target. */
  add(input: RemoteInput): Promise<PublicRemote>
  list(): PublicRemote[]
  remove(name: string): void
  /**
   * `remote.<name>` keys for a pin object's info (status, peer counts, details), from the targets that
   * forward it: not from one that forwards the same content for another account.
   */
  infoFor(pin: Pick<LocalPin, 'multihash' | 'accountId' | 'meta'>): Record<string, string>
  /** Runs a pass now (after a pin changed) instead of waiting for the next tick. */
  wake(): void
  start(): Promise<void>
  stop(): Promise<void>
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/
const REPLAN_MS = 60_000

/** The rules that need no lookup; the URL guard's resolution check runs in add(). */
export function validateRemote(input: RemoteInput): void {
  if (!NAME.test(input.name)) throw new CoreError('BAD_REQUEST', 'remote name: 1-64 letters, digits, "_" or "-"')
  parseTargetUrl(input.url)
  const { replicationMin: min, replicationMax: max } = input
  if (min !== undefined && max !== undefined && max !== -1 && min !== -1 && min > max)
    throw new CoreError('BAD_REQUEST', 'replication min is larger than max')
}

export function createRemotes(init: RemotesInit): Remotes {
  const store = createRemoteStore(init.db)
  const guard = createUrlGuard({ ownPorts: init.ownPorts })
  const sender = createGuardedSender(guard)
  const forwarder = createForwarder({
    store,
    log: init.log,
    localPins: init.localPins,
    origins: init.origins,
    pollMs: init.pollMs,
    targetFor: (r: Remote) => {
      // Checked again at every request and connection: Tack's ports may have moved, DNS may answer otherwise.
      return r.kind === 'cluster'
        ? clusterTarget({
            url: r.url,
            auth: r.auth,
            sender,
            replicationMin: r.replicationMin,
            replicationMax: r.replicationMax,
            knownPeers: (seen) => store.knownPeers(r.id, seen),
          })
        : psaTarget({ url: r.url, auth: r.auth, sender })
    },
    onChange: (pin) => init.onChange?.(pin.multihash),
  })
  const toPublic = (r: Remote): PublicRemote => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    url: r.url,
    auth: r.auth?.bearer ? 'bearer' : r.auth?.basic ? 'basic' : 'none',
    replicationMin: r.replicationMin,
    replicationMax: r.replicationMax,
    policy: r.policy,
    accountIds: r.accountIds,
    created: r.created.toISOString(),
    pins: store.counts(r.id),
    ...forwarder.health(r.id),
  })
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let again = false
  let replan = true
  let lastPlan = 0
  let stopped = true
  // Whether any target exists. Without one, a pin change costs nothing here (no pass, no status lookup).
  // Re-read on every tick as well: `tack remote add` writes the database from another process.
  let anyTarget = false
  const refreshTargets = () => (anyTarget = store.list().length > 0)

  // Planning reads every pinned object, so it runs when something changed (wake) and once a minute as a
  // safety net; the passes in between only work through the rows that are due.
  const tick = (changed = false) => {
    replan ||= changed
    if (stopped) return
    if (!changed && !refreshTargets()) return
    if (running) {
      again = true
      return
    }
    const plan = replan || Date.now() - lastPlan > REPLAN_MS
    if (plan) {
      replan = false
      lastPlan = Date.now()
    }
    running = forwarder
      .pass({ plan })
      .catch((err: unknown) => init.log.error('forwarding pass failed', { error: String(err) }))
      .finally(() => {
        running = undefined
        if (again && !stopped) {
          again = false
          tick()
        }
      })
  }

  return {
    async add(input) {
      validateRemote(input)
      await guard.check(input.url)
      if (store.byName(input.name)) throw new CoreError('CONFLICT', `a remote named "${input.name}" exists already`)
      const remote = toPublic(store.insert({ ...input, accountIds: input.accountIds ?? [] }))
      anyTarget = true
      tick(true)
      return remote
    },
    list: () => store.list().map(toPublic),
    remove(name) {
      const remote = store.byName(name)
      if (!remote) throw new CoreError('NOT_FOUND', `no remote named "${name}"`)
      store.delete(remote.id)
      refreshTargets()
    },
    infoFor(pin) {
      const info: Record<string, string> = {}
      if (!anyTarget) return info
      const forwarding = new Set(store.list().flatMap((r) => (selects(r, pin) ? [r.name] : [])))
      for (const s of store.statesFor(pin.multihash)) {
        if (!forwarding.has(s.remoteName)) continue
        // Checked again as read: rows stored before words.ts kept a target's own words.
        const own = ownState(s)
        info[`remote.${s.remoteName}`] = own.status
        if (own.peers) info[`remote.${s.remoteName}.peers`] = own.peers
        if (own.details) info[`remote.${s.remoteName}.details`] = own.details
      }
      return info
    },
    wake: () => {
      // Planning is owed once a target appears; until then a pin change is nothing to forward.
      if (anyTarget) tick(true)
      else replan = true
    },
    async start() {
      stopped = false
      refreshTargets()
      timer = setInterval(() => tick(), init.pollMs)
      tick(true)
    },
    async stop() {
      stopped = true
      if (timer) clearInterval(timer)
      await running
      await sender.close()
    },
  }
}
