// Pins: the Pinning Service API's model. Each POST makes a pin object owned by an account; a queue and a
// worker fetch and pin its content in the bundled Kubo; content is reference-counted across all objects of
// all accounts (by multihash), so Kubo unpins only when the last object needing it goes. Every account sees
// and touches only its own objects: another account's requestid is simply not found.
import { formatBytes, quotaWords } from '../../../shared/bytes.js'
import type { PinStatus } from '../../../shared/psa.js'
import type { Accounts } from '../accounts/index.js'
import { createGroupCommit } from '../db/group-commit.js'
import type { Db } from '../db/index.js'
import { CoreError } from '../errors.js'
import type { EventBus } from '../events.js'
import type { KuboClient, KuboId } from '../kubo/client.js'
import type { Logger } from '../log.js'
import type { ListFilter, PinInput } from './query.js'
import { releaseOrphans, requeueLost } from './reconcile.js'
import { createKeyedLock, createReleaser } from './refcount.js'
import { createPinStore, type PinRecord } from './store.js'
import { createScheduler, type Scheduler } from './scheduler.js'

export type { PinRecord } from './store.js'
export { parseListQuery, parsePinBody, type PinBodyLimits } from './query.js'

export interface PinsComponents {
  db: Db
  kubo: Pick<KuboClient, 'pinAdd' | 'isPinned' | 'pinRm' | 'pinLsRecursive' | 'swarmConnect' | 'dagSize'> & Partial<Pick<KuboClient, 'peerCount'>>
  /** Kubo's identity (peer ID and addresses), for the delegates. */
  identity(): KuboId | undefined
  accounts: Pick<Accounts, 'get'>
  events: EventBus
  log: Logger
}

export interface PinsInit {
  /** Pins fetched at once (config.pinConcurrency). */
  concurrency: number
  /** How long content that cannot be found is retried before the pin fails (config.pinTimeoutMs). */
  timeoutMs: number
  /** An attempt that fetches nothing for this long is retried; default min(60 s, timeoutMs / 10). */
  stallTimeoutMs?: number
  /** A GC gate: before a collection the scheduler aborts its fetches (Kubo's GC waits on them) and resumes after. */
  gate?: { beforeExclusive(pause: () => Promise<() => void>): void }
  /** Everything an account stores (pins plus uploads), for quota checks; default: pins alone. */
  accountUsage?: (accountId: number) => number
  /** Whether another domain holds this content in Kubo too (then releasing it never unpins). */
  heldElsewhere?: (multihash: string) => boolean
  /** Pin objects one account may have queued or pinning at once (config.maxPendingPins); default unlimited. */
  maxPending?: number
  /** More `info` for a pin object from other domains (e.g. `remote.<target>` from forwarding). */
  extraInfo?: (pin: Pick<PinRecord, 'multihash' | 'accountId' | 'meta'>) => Record<string, string>
}

export interface Pins {
  /** A new object; resolves once it is committed (POSTs arriving together share one commit). */
  add(accountId: number, input: PinInput): Promise<PinRecord>
  /** A new object for `input`; the old one is gone at once, its data kept until the new one settles. */
  replace(accountId: number, requestid: string, input: PinInput): PinRecord
  remove(accountId: number, requestid: string): void
  /** The same failed object back in the queue (details cleared, deadline renewed); CONFLICT unless failed. */
  retry(accountId: number, requestid: string): PinRecord
  get(accountId: number, requestid: string): PinRecord
  /** The object once it settles (pinned or failed), waiting at most `waitMs`, and only for a young one: a
   *  pin that completes quickly then reads `pinned` at a client's first check (Kubo's comes right after its
   *  POST, the next 500 ms later). Otherwise the object as it is now. */
  settled(record: PinRecord, waitMs?: number): Promise<PinRecord>
  list(accountId: number, filter: ListFilter): { count: number; results: PinRecord[] }
  /** The wire form of a pin object; `queuePosition` adds info.queue_position to a queued one. */
  toStatus(record: PinRecord, options?: { queuePosition?: boolean }): PinStatus
  /** Multiaddrs of the Kubo node that fetches (1 to 20, each ending in /p2p/<peerID>). */
  delegates(): string[]
  /** Bytes of pinned DAGs charged to the account. */
  usageOf(accountId: number): number
  /** Whether any pin object needs this content (for other domains that share Kubo's pinset). */
  holds(multihash: string): boolean
  /** Every pinned object of every account (for forwarding to remote targets). */
  pinned(): PinRecord[]
  /** Tells each pinned object's account that its state at a forwarding target changed (a live event). */
  forwardingChanged(multihash: string): void
  /** What the scheduler fetches now (multihashes) and what it has parked until when. */
  scheduler(): ReturnType<Scheduler['snapshot']>
  start(): Promise<void>
  stop(): Promise<void>
}

const MAX_DELEGATES = 20
/** How long a status read waits for a young pin to settle, and how young (since created) it must be. */
const SETTLE_WAIT_MS = 200
const SETTLE_YOUNG_MS = 2000

export function createPins(components: PinsComponents, init: PinsInit): Pins {
  const { db, kubo, accounts, events, log } = components
  const store = createPinStore(db)
  const commits = createGroupCommit(db)
  const lock = createKeyedLock()
  const releaser = createReleaser({ store, kubo, lock, log, heldElsewhere: init.heldElsewhere })
  const usageOf = (accountId: number) => store.usage(accountId)
  const accountUsage = init.accountUsage ?? usageOf
  const fits = (accountId: number, bytes: number) => {
    const quota = accounts.get(accountId).quotaBytes
    return quota === null || accountUsage(accountId) + bytes <= quota
  }
  /** A quota refusal in plain words, as a failed pin's status_details. */
  const refusal = (accountId: number, bytes: number) => {
    const quota = accounts.get(accountId).quotaBytes ?? 0
    return `INSUFFICIENT_FUNDS: pinning this ${quotaWords({ needs: bytes, left: quota - accountUsage(accountId), quota })}`
  }
  // Status reads waiting for an object to settle, by requestid.
  const waiters = new Map<string, Set<() => void>>()
  const publish = (r: PinRecord, deleted?: boolean) => {
    if (deleted || r.status === 'pinned' || r.status === 'failed') for (const wake of waiters.get(r.requestid) ?? []) wake()
    events.publish({ type: 'pin', accountId: r.accountId, requestid: r.requestid, status: r.status, cid: r.cid, name: r.name, ...(deleted ? { deleted } : {}) })
  }
  // The scheduler (scheduler.ts): fair between accounts, one fetch per content, unfindable content parked.
  const worker = createScheduler({
    db,
    store,
    kubo,
    lock,
    releaser,
    log,
    concurrency: init.concurrency,
    searchMs: init.stallTimeoutMs ?? Math.min(60_000, Math.max(1000, init.timeoutMs / 10)),
    fits,
    unlimited: (accountId) => accounts.get(accountId).quotaBytes === null,
    refusal,
    onChange: (r) => publish(r),
  })
  init.gate?.beforeExclusive(() => worker.pause())

  const owned = (accountId: number, requestid: string) => {
    const record = store.get(requestid)
    if (!record || record.accountId !== accountId) throw new CoreError('NOT_FOUND', `no pin object with requestid ${requestid}`)
    return record
  }

  function create(accountId: number, input: PinInput, replaces?: PinRecord): PinRecord {
    const quota = accounts.get(accountId).quotaBytes
    if (quota !== null && accountUsage(accountId) >= quota)
      throw new CoreError('INSUFFICIENT_FUNDS', `no room left: ${formatBytes(accountUsage(accountId))} used of ${formatBytes(quota)}`)
    const deadline = Date.now() + init.timeoutMs
    const base = { accountId, input, deadline, replaces: replaces?.replaces ?? replaces?.multihash }
    if (input.cid.identity) {
      // Inlined data: the CID is the content. Nothing to fetch, nothing for Kubo to hold.
      const size = input.cid.inlineSize
      return store.insert({ ...base, status: 'pinned', dagSize: size, info: { dag_size: String(size) }, replaces: undefined })
    }
    const held = store.heldSize(input.cid.multihash)
    if (held !== undefined) {
      // Another object pinned this content already: Kubo holds it, so this one is pinned at once.
      if (!fits(accountId, held)) {
        const reason = refusal(accountId, held)
        return store.insert({ ...base, status: 'failed', info: { status_details: reason }, replaces: undefined })
      }
      return store.insert({ ...base, status: 'pinned', dagSize: held, info: { dag_size: String(held) } })
    }
    // Checked here, in the transaction that inserts: POSTs arriving together all count.
    const max = init.maxPending ?? Infinity
    const replacing = replaces && (replaces.status === 'queued' || replaces.status === 'pinning') ? 1 : 0
    if (store.pendingCount(accountId) - replacing >= max)
      throw new CoreError(
        'PIN_QUEUE_FULL',
        `this account has ${max} pins queued or pinning, the most it may have at once (TACK_MAX_PENDING_PINS); ` +
          'add more once some have finished',
      )
    return store.insert({ ...base, status: 'queued', info: { status_details: 'queued' } })
  }

  let reconciling: AbortController | undefined
  let background: Promise<void> | undefined
  const pins: Pins = {
    async add(accountId, input) {
      // create() reads, then inserts one row (its pin_counts trigger is part of that statement).
      const record = await commits.run(() => create(accountId, input), { oneStatement: true })
      publish(record)
      worker.wake(record.multihash)
      return record
    },
    replace(accountId, requestid, input) {
      const { old, record } = store.transaction(() => {
        const old = owned(accountId, requestid)
        const record = create(accountId, input, old)
        store.delete(old.requestid)
        return { old, record }
      })
      worker.cancel(old.requestid, old.multihash)
      publish(old, true)
      publish(record)
      // A replacement pinned (or failed) at once settles now; a queued one releases the held content when it
      // does. The hold is the content the user last had settled: replacing an object still fetching moves
      // its hold (old.replaces) to the new object, and only the unfinished content of the old one goes.
      if (record.status !== 'queued') {
        const held = store.settleReplace(record.requestid)
        if (held) void releaser.release(held)
      }
      void releaser.release(old.multihash)
      worker.wake(record.multihash)
      return record
    },
    remove(accountId, requestid) {
      const record = owned(accountId, requestid)
      store.delete(requestid)
      worker.cancel(requestid, record.multihash)
      publish(record, true)
      void releaser.release(record.multihash)
      if (record.replaces) void releaser.release(record.replaces)
    },
    retry(accountId, requestid) {
      // The same object, not a replacement: its requestid, created time, name, origins and meta stay, so a
      // client (or the UI) that knows it keeps following it. Checked in one transaction, as create() does.
      const record = store.transaction(() => {
        const old = owned(accountId, requestid)
        if (old.status !== 'failed')
          throw new CoreError('CONFLICT', `pin ${requestid} is ${old.status}; only a failed pin can be retried`)
        const quota = accounts.get(accountId).quotaBytes
        if (quota !== null && accountUsage(accountId) >= quota)
          throw new CoreError('INSUFFICIENT_FUNDS', `no room left: ${formatBytes(accountUsage(accountId))} used of ${formatBytes(quota)}`)
        const max = init.maxPending ?? Infinity
        if (store.pendingCount(accountId) >= max)
          throw new CoreError('PIN_QUEUE_FULL', `this account has ${max} pins queued or pinning, the most it may have at once (TACK_MAX_PENDING_PINS)`)
        store.update(requestid, { status: 'queued', info: { status_details: 'queued' }, deadline: Date.now() + init.timeoutMs, restart: true })
        return store.get(requestid)!
      })
      publish(record)
      worker.wake(record.multihash)
      return record
    },
    get: owned,
    async settled(record, waitMs = SETTLE_WAIT_MS) {
      const unsettled = record.status === 'queued' || record.status === 'pinning'
      if (!unsettled || waitMs <= 0 || Date.now() - record.created > SETTLE_YOUNG_MS) return record
      await new Promise<void>((resolve) => {
        const set = waiters.get(record.requestid) ?? new Set()
        waiters.set(record.requestid, set)
        const done = () => {
          clearTimeout(timer)
          set.delete(done)
          if (!set.size) waiters.delete(record.requestid)
          resolve()
        }
        const timer = setTimeout(done, waitMs)
        set.add(done)
      })
      return store.get(record.requestid) ?? record
    },
    list: (accountId, filter) => store.list(accountId, filter),
    toStatus(r, options = {}) {
      const info = { ...r.info, ...init.extraInfo?.(r) }
      if (options.queuePosition && r.status === 'queued') info.queue_position = String(store.queuePosition(r.created))
      return {
        requestid: r.requestid,
        status: r.status,
        created: new Date(r.created).toISOString(),
        pin: {
          cid: r.cid,
          ...(r.name !== undefined ? { name: r.name } : {}),
          ...(r.origins.length ? { origins: r.origins } : {}),
          ...(r.meta ? { meta: r.meta } : {}),
        },
        delegates: pins.delegates(),
        ...(Object.keys(info).length ? { info } : {}),
      }
    },
    delegates() {
      const id = components.identity()
      if (!id) throw new CoreError('SERVICE_UNAVAILABLE', 'Kubo has not started yet')
      const suffix = `/p2p/${id.ID}`
      const own = id.Addresses.filter((a) => a.endsWith(suffix))
      // Direct addresses before relayed ones: a client dials them in order.
      own.sort((a, b) => Number(a.includes('/p2p-circuit')) - Number(b.includes('/p2p-circuit')))
      const list = own.length ? own : id.Addresses.filter((a) => !a.includes('/p2p/')).map((a) => a + suffix)
      if (!list.length) throw new CoreError('SERVICE_UNAVAILABLE', 'Kubo reports no addresses to fetch from')
      return list.slice(0, MAX_DELEGATES)
    },
    usageOf,
    holds: (multihash) => store.references(multihash) > 0,
    pinned: () => store.pinnedRecords(),
    forwardingChanged(multihash) {
      for (const r of store.pinnedOf(multihash))
        events.publish({ type: 'pin', accountId: r.accountId, requestid: r.requestid, status: r.status, cid: r.cid, name: r.name, forwarding: true })
    },
    scheduler: () => worker.snapshot(),
    async start() {
      // Orphans first (one query over the ledger): a content gone from SQLite must not stay pinned in Kubo.
      const unpinned = await releaseOrphans({ store, releaser })
      const unsized = store.requeueUnsized(Date.now() + init.timeoutMs, { status_details: 'pinned; measuring its size' })
      if (unsized) log.info('sizing pinned objects a stop left without a size', { unsized })
      // The walk over pinned objects runs after the API is up; the worker waits for it, so it never sees a
      // half-reconciled queue.
      reconciling = new AbortController()
      const signal = reconciling.signal
      background = requeueLost({ store, kubo, releaser, timeoutMs: init.timeoutMs, log, signal })
        .then((requeued) => {
          if (unpinned || requeued) log.info('reconciled with Kubo', { unpinned, requeued })
        })
        .catch((err: unknown) => log.error('reconciling pinned objects with Kubo failed', { error: String(err) }))
        .then(() => {
          if (!signal.aborted) worker.start()
        })
    },
    async stop() {
      reconciling?.abort()
      await background
      await worker.stop()
    },
  }
  return pins
}
