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
  kubo: Pick<KuboClient, 'pinAdd' | 'isPinned' | 'swarmConnect' | 'dagSize'> & Partial<Pick<KuboClient, 'peerCount'>>
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
  unlimited?(accountId: number): boolean
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

interface PendingRow {
  multihash: string
  created: number
}

/** Pending rows read at once per account and status while looking for runnable content. */
const PAGE = 64

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
  // Wakes within one turn of the event loop (a burst of POSTs) look at the queue once.
  let fillScheduled = false
  const scheduleFill = () => {
    if (fillScheduled) return
    fillScheduled = true
    setImmediate(() => {
      fillScheduled = false
      fill()
    })
  }
  // Which accounts have queued or pinning objects: a lookup in pin_counts (triggers keep it exact). The
  // scheduler looks at the queue on every POST and after every fetch; a GROUP BY over every pending row here
  // was most of a POST's CPU once thousands of unfindable CIDs queued (profiled: 22 % of `tack serve`).
  const pendingAccounts = init.db.prepare(
    `SELECT account_id AS accountId FROM pin_counts WHERE status IN ('queued', 'pinning') AND n > 0
     GROUP BY account_id ORDER BY account_id`,
  ) as unknown as { all(): Array<{ accountId: number }> }
  // One status of one account's pending objects after a time, oldest first: a range of pins_account_status.
  const pendingPage = init.db.prepare(
    'SELECT multihash, created_at AS created FROM pins WHERE account_id = ? AND status = ? AND created_at > ? ORDER BY created_at LIMIT ?',
  ) as unknown as { all(accountId: number, status: string, after: number, limit: number): PendingRow[] }
  const wantedBy = init.db.prepare(
    "SELECT DISTINCT account_id AS accountId FROM pins WHERE multihash = ? AND status IN ('queued', 'pinning')",
  ) as unknown as { all(multihash: string): Array<{ accountId: number }> }
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
    unlimited: init.unlimited,
    refusal: init.refusal,
    onChange: init.onChange,
    pendingFor,
  }

  /**
   * An account's runnable content, oldest first (by its oldest pending object), read a page at a time as
   * fill() asks: content running or parked is skipped, each content once. Two ranges (queued, pinning), each
   * in index order, merged here: `status IN (...)` with ORDER BY would sort every pending row of the account.
   */
  function contentOf(accountId: number, now: number): { peek(): string | undefined; take(): void } {
    const arms = (['queued', 'pinning'] as const).map((status) => ({
      status,
      rows: [] as PendingRow[],
      at: 0,
      after: -1,
      done: false,
    }))
    const seen = new Set<string>()
    let head: string | undefined
    const pop = (): string | undefined => {
      for (;;) {
        let arm: (typeof arms)[number] | undefined
        for (const a of arms) {
          if (a.at === a.rows.length && !a.done) {
            a.rows = pendingPage.all(accountId, a.status, a.after, PAGE)
            a.at = 0
            a.done = a.rows.length < PAGE
            if (a.rows.length) a.after = a.rows[a.rows.length - 1]!.created
          }
          if (a.at < a.rows.length && (!arm || a.rows[a.at]!.created < arm.rows[arm.at]!.created)) arm = a
        }
        if (!arm) return undefined
        const { multihash } = arm.rows[arm.at++]!
        if (seen.has(multihash)) continue
        seen.add(multihash)
        const park = parked.get(multihash)
        if (active.has(multihash) || (park && park.until > now)) continue
        return multihash
      }
    }
    return {
      peek() {
        // Content launched or taken by another account's fetch since it was read is not runnable any more.
        if (head === undefined || active.has(head)) head = pop()
        return head
      },
      take() {
        head = undefined
      },
    }
  }

  const preemptible = (a: Active, now: number) =>
    !a.progressed && now - a.started >= PREEMPT_AFTER_MS && !a.abort.signal.aborted

  function fill() {
    if (!running || paused) return
    const now = Date.now()
    // Every slot busy with a fetch that found something or is too young to yield: nothing can start.
    if (active.size >= init.concurrency && ![...active.values()].some((a) => preemptible(a, now))) return
    // With every slot busy only an account below its fair share may start one: asked in memory first, so a
    // POST while one account fills every slot costs no read of the queue.
    const full = active.size >= init.concurrency
    const accounts = pendingAccounts.all().map((r) => r.accountId).filter((id) => !full || victimFor(id, now))
    if (!accounts.length) return
    const content = new Map(accounts.map((id) => [id, contentOf(id, now)]))
    for (;;) {
      // Round robin: the next account after the last one served that has content not running yet; with all
      // slots busy, the first such account in turn that is below its fair share may take one.
      let next: number | undefined
      let multihash: string | undefined
      for (const id of [...accounts.filter((a) => a > lastAccount), ...accounts.filter((a) => a <= lastAccount)]) {
        multihash = content.get(id)!.peek()
        if (multihash === undefined) continue
        if (active.size < init.concurrency || preemptFor(id)) {
          next = id
          break
        }
      }
      if (next === undefined || multihash === undefined) return
      content.get(next)!.take()
      lastAccount = next
      launch(multihash, new Set(wantedBy.all(multihash).map((r) => r.accountId)))
    }
  }

  /**
   * Frees a slot for an account below its fair share: from a fetch that has found nothing yet, of an account
   * that holds at least two slots more (so an account with nothing running always gets one).
   */
  function preemptFor(accountId: number): boolean {
    const victim = victimFor(accountId, Date.now())
    if (!victim) return false
    log.debug('preempting a fetch that has found nothing yet', { multihash: victim.multihash, for: accountId })
    victim.abort.abort('yield')
    active.delete(victim.multihash)
    return true
  }

  /** The oldest fetch `accountId` may take the slot of, if any (see preemptFor). */
  function victimFor(accountId: number, now: number): Active | undefined {
    const held = new Map<number, number>()
    for (const a of active.values()) for (const id of a.accounts) held.set(id, (held.get(id) ?? 0) + 1)
    const mine = held.get(accountId) ?? 0
    return [...active.values()]
      .filter(
        (a) =>
          preemptible(a, now) &&
          !a.accounts.has(accountId) &&
          Math.max(...[...a.accounts].map((id) => held.get(id) ?? 0)) > mine + 1,
      )
      .sort((a, b) => a.started - b.started)[0]
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
          void lowerPeerBaseline()
        } else if (outcome.kind === 'done') parked.delete(multihash)
      })
      .catch((err: unknown) => log.error('pin job failed unexpectedly', { multihash, error: String(err) }))
      .finally(() => {
        if (active.get(multihash) === entry) active.delete(multihash)
        fill()
      })
    active.set(multihash, entry)
  }

  /**
   * Peers seen as the content parks: a peer that connects after it (the count grows from here) wakes it, even
   * when the last check saw as many peers as now, before one left. Only ever lowered, so that a connection
   * made since the last check still counts as new for what parked before.
   */
  async function lowerPeerBaseline() {
    if (!init.kubo.peerCount) return
    const now = await init.kubo.peerCount().catch(() => peers)
    peers = Math.min(peers, now)
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
      scheduleFill()
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
      scheduleFill()
    },
    async pause() {
      paused++
      await abortAll('pause')
      let resumed = false
      return () => {
        if (resumed) return
        resumed = true
        paused--
        scheduleFill()
      }
    },
    snapshot: () => ({
      active: [...active.keys()],
      parked: [...parked].map(([multihash, p]) => ({ multihash, until: p.until })),
    }),
  }
}
