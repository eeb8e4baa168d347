// The pin scheduler: fetches content for pin objects, fairly and within a bound. Replaces a FIFO queue.
// - Work is per content (multihash), not per object: one Kubo `pin add` serves every queued object of every
//   account that wants that content, so no slot waits on another object's lock.
// - Fair: free slots go round robin over the accounts that have runnable content, and an account two or
//   more slots below another may take the slot of that account's fetch that has found nothing yet
//   (preemption, without penalty): one account's backlog of unfindable content never delays another's
//   available content by more than a moment.
// - Content not found within the search time parks with a growing back-off and holds no slot; it comes back
//   when the back-off ends or when something suggests it can be found now (new origins or a new object for
//   it, a replace, a peer connecting).
// - Kubo's GC waits for every `pin add` in flight (Kubo's pin lock) and blocks new ones while it waits, so
//   before a GC the scheduler aborts its fetches (no back-off, status unchanged), and resumes after it.
// All state that matters is in SQLite; a stop aborts the fetches and leaves their objects queued or pinning,
// and the next start picks them up.
import type { Db } from '../db/index.js'
import type { KuboClient } from '../kubo/client.js'
import type { Logger } from '../log.js'
import { runFetch, type FetchDeps } from './fetch-job.js'
import type { KeyedLock, Releaser } from './refcount.js'
import type { PinRecord, PinStore } from './store.js'

export interface SchedulerInit {
  db: Pick<Db, 'prepare'>
  store: PinStore
  kubo: Pick<KuboClient, 'pinAdd' | 'swarmConnect' | 'dagSize'> & Partial<Pick<KuboClient, 'peerCount'>>
  lock: KeyedLock
  releaser: Releaser
  log: Logger
  /** Fetches at once (config.pinConcurrency). */
  concurrency: number
  /** A fetch that receives nothing for this long parks its content (config.pinSearchMs). */
  searchMs: number
  /** First back-off of parked content; doubles per attempt up to maxParkMs. */
  parkMs?: number
  maxParkMs?: number
  fits(accountId: number, bytes: number): boolean
  refusal?(accountId: number, bytes: number): string
  onChange(record: PinRecord): void
}

export interface Scheduler {
  start(): void
  stop(): Promise<void>
  /** Looks at the queue now; with a multihash, that content is also unparked (new origins, new object). */
  wake(multihash?: string): void
  /** An object was deleted or replaced: its content's fetch stops when no other object wants it. */
  cancel(requestid: string, multihash?: string): void
  /** Aborts every fetch (no penalty) and starts none until the returned resume() is called (before a GC). */
  pause(): Promise<() => void>
  /** What runs and what is parked, for tests and status. */
  snapshot(): { active: string[]; parked: Array<{ multihash: string; until: number }> }
}

const TICK_MS = 1000
const PEER_CHECK_MS = 5000
/** A fetch that has found nothing for this long may give its slot to an account with nothing running. */
const PREEMPT_AFTER_MS = 1000

interface Active {
  multihash: string
  accounts: Set<number>
  abort: AbortController
  done: Promise<void>
  started: number
  /** Whether any block has arrived (then it is never preempted). */
  progressed: boolean
  control: { join?: () => void }
}

interface Runnable {
  accountId: number
  multihash: string
  first: number
}

export function createScheduler(init: SchedulerInit): Scheduler {
  const { log } = init
  const parkMs = init.parkMs ?? 30_000
  const maxParkMs = init.maxParkMs ?? 30 * 60_000
  const active = new Map<string, Active>()
  const parked = new Map<string, { until: number; attempts: number }>()
  let running = false
  let paused = 0
  let timer: NodeJS.Timeout | undefined
  let lastAccount = -Infinity
  let peers = 0
  let lastPeerCheck = 0
  // Runnable content per account, oldest first: one row per (account, multihash) that has queued objects.
  const pendingGroups = init.db.prepare(
    `SELECT account_id AS accountId, multihash, MIN(created_at) AS first FROM pins
     WHERE status IN ('queued', 'pinning') GROUP BY account_id, multihash ORDER BY first`,
  ) as unknown as { all(): Runnable[] }
  const pendingIds = init.db.prepare(
    "SELECT requestid FROM pins WHERE multihash = ? AND status IN ('queued', 'pinning') ORDER BY created_at",
  ) as unknown as { all(multihash: string): Array<{ requestid: string }> }
  const pendingFor = (multihash: string) =>
    pendingIds.all(multihash).flatMap(({ requestid }) => init.store.get(requestid) ?? [])

  const deps: FetchDeps = {
    store: init.store,
    kubo: init.kubo,
    lock: init.lock,
    releaser: init.releaser,
    log,
    searchMs: init.searchMs,
    fits: init.fits,
    refusal: init.refusal,
    onChange: init.onChange,
    pendingFor,
  }

  function runnable(now: number): Map<number, Runnable[]> {
    const byAccount = new Map<number, Runnable[]>()
    for (const row of pendingGroups.all()) {
      const park = parked.get(row.multihash)
      if (park && park.until > now) continue
      const list = byAccount.get(row.accountId) ?? []
      list.push(row)
      byAccount.set(row.accountId, list)
    }
    return byAccount
  }

  function fill() {
    if (!running || paused) return
    const now = Date.now()
    const byAccount = runnable(now)
    const accountsOf = (multihash: string) => {
      const set = new Set<number>()
      for (const [id, list] of byAccount) if (list.some((r) => r.multihash === multihash)) set.add(id)
      return set
    }
    for (;;) {
      const order = [...byAccount.keys()].sort((a, b) => a - b)
      // Round robin: the next account after the last one served that has content not running yet.
      const waiting = [...order.filter((id) => id > lastAccount), ...order.filter((id) => id <= lastAccount)].filter(
        (id) => byAccount.get(id)!.some((r) => !active.has(r.multihash)),
      )
      // All slots busy: the first account in turn that is below its fair share may take one.
      const next = active.size < init.concurrency ? waiting[0] : waiting.find((id) => preemptFor(id))
      if (next === undefined) return
      const row = byAccount.get(next)!.find((r) => !active.has(r.multihash))!
      lastAccount = next
      launch(row.multihash, accountsOf(row.multihash))
    }
  }

  /**
   * Frees a slot for an account below its fair share: from a fetch that has found nothing yet, of an account
   * that holds at least two slots more (so an account with nothing running always gets one).
   */
  function preemptFor(accountId: number): boolean {
    const held = new Map<number, number>()
    for (const a of active.values()) for (const id of a.accounts) held.set(id, (held.get(id) ?? 0) + 1)
    const mine = held.get(accountId) ?? 0
    const now = Date.now()
    const victim = [...active.values()]
      .filter(
        (a) =>
          !a.progressed &&
          now - a.started >= PREEMPT_AFTER_MS &&
          !a.abort.signal.aborted &&
          !a.accounts.has(accountId) &&
          Math.max(...[...a.accounts].map((id) => held.get(id) ?? 0)) > mine + 1,
      )
      .sort((a, b) => a.started - b.started)[0]
    if (!victim) return false
    log.debug('preempting a fetch that has found nothing yet', { multihash: victim.multihash, for: accountId })
    victim.abort.abort('yield')
    active.delete(victim.multihash)
    return true
  }

  function launch(multihash: string, accounts: Set<number>) {
    const abort = new AbortController()
    const entry: Active = {
      multihash,
      accounts,
      abort,
      started: Date.now(),
      progressed: false,
      done: Promise.resolve(),
      control: {},
    }
    const attempts = parked.get(multihash)?.attempts ?? 0
    entry.done = runFetch(deps, multihash, attempts, abort.signal, () => (entry.progressed = true), entry.control)
      .then((outcome) => {
        if (outcome.kind === 'parked') {
          const n = attempts + 1
          const until = Math.min(Date.now() + Math.min(maxParkMs, parkMs * 2 ** (n - 1)), outcome.deadline)
          parked.set(multihash, { until, attempts: n })
          outcome.park(until, n)
        } else if (outcome.kind === 'done') parked.delete(multihash)
      })
      .catch((err: unknown) => log.error('pin job failed unexpectedly', { multihash, error: String(err) }))
      .finally(() => {
        if (active.get(multihash) === entry) active.delete(multihash)
        fill()
      })
    active.set(multihash, entry)
  }

  async function checkPeers() {
    if (!init.kubo.peerCount || Date.now() - lastPeerCheck < PEER_CHECK_MS || !parked.size) return
    lastPeerCheck = Date.now()
    const now = await init.kubo.peerCount().catch(() => peers)
    // A peer connecting may provide what nobody did: parked content gets a try now.
    if (now > peers) for (const park of parked.values()) park.until = 0
    peers = now
  }

  async function abortAll(reason: string) {
    const jobs = [...active.values()]
    for (const job of jobs) job.abort.abort(reason)
    active.clear()
    await Promise.all(jobs.map((j) => j.done))
  }

  return {
    start() {
      running = true
      timer = setInterval(() => {
        void checkPeers().then(fill)
      }, TICK_MS)
      fill()
    },
    async stop() {
      running = false
      clearInterval(timer)
      await abortAll('stop')
    },
    wake(multihash) {
      if (multihash) {
        const park = parked.get(multihash)
        if (park) park.until = 0
        // A new object for content being fetched joins that fetch (one fetch serves every object).
        active.get(multihash)?.control.join?.()
      }
      setImmediate(fill)
    },
    cancel(_requestid, multihash) {
      if (!multihash) return
      const job = active.get(multihash)
      // Another object may still want the content: the job stops only when none does.
      const wanted = pendingIds.all(multihash).length > 0
      if (job && !wanted) {
        job.abort.abort('cancel')
        active.delete(multihash)
      }
      if (!wanted) parked.delete(multihash)
      setImmediate(fill)
    },
    async pause() {
      paused++
      await abortAll('pause')
      let resumed = false
      return () => {
        if (resumed) return
        resumed = true
        paused--
        setImmediate(fill)
      }
    },
    snapshot: () => ({
      active: [...active.keys()],
      parked: [...parked].map(([multihash, p]) => ({ multihash, until: p.until })),
    }),
  }
}
