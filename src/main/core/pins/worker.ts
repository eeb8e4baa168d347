// The pin queue's worker: takes queued objects oldest first, at most `concurrency` at a time, and moves each
// queued → pinning → pinned | failed. It dials the origins the client gave (never fatal), asks Kubo to pin
// recursively, writes progress into `info`, and charges the DAG size to the account. Content nobody
// provides is retried until the object's deadline. All state is in SQLite, so a killed Tack resumes here.
import type { Status } from '../../../shared/psa.js'
import { isCoreError } from '../errors.js'
import type { KuboClient } from '../kubo/client.js'
import { KuboRpcError } from '../kubo/client.js'
import type { Logger } from '../log.js'
import type { KeyedLock, Releaser } from './refcount.js'
import type { PinRecord, PinStore } from './store.js'

export interface WorkerInit {
  store: PinStore
  kubo: Pick<KuboClient, 'pinAdd' | 'swarmConnect' | 'dagSize'>
  lock: KeyedLock
  releaser: Releaser
  log: Logger
  concurrency: number
  /** An attempt that fetches nothing for this long is abandoned and retried (origins are dialled again). */
  stallTimeoutMs: number
  /** Whether `bytes` more fit in the account's quota. */
  fits(accountId: number, bytes: number): boolean
  onChange(record: PinRecord): void
}

export interface Worker {
  start(): void
  stop(): Promise<void>
  /** Looks at the queue now (a pin was added). */
  wake(): void
  /** Abandons the work on an object that was deleted or replaced. */
  cancel(requestid: string): void
}

const TICK_MS = 1000
const PROGRESS_WRITE_MS = 1000
const DIAL_TIMEOUT_MS = 10_000
// Content nobody provides is retried with a growing pause, so it does not hold the slots newer pins need.
const RETRY_MS = 1000
const MAX_RETRY_MS = 5 * 60_000

class Stalled extends Error {}

export function createWorker(init: WorkerInit): Worker {
  const { store, kubo, log } = init
  const active = new Map<string, { abort: AbortController; done: Promise<void> }>()
  const notBefore = new Map<string, number>()
  const attempts = new Map<string, number>()
  let running = false
  let timer: NodeJS.Timeout | undefined

  const set = (requestid: string, status: Status, info: Record<string, string>, dagSize?: number) => {
    store.update(requestid, { status, info, dagSize })
    const record = store.get(requestid)
    if (record) init.onChange(record)
  }

  function fill() {
    if (!running) return
    const now = Date.now()
    const free = init.concurrency - active.size
    if (free <= 0) return
    const waiting = new Set([...active.keys(), ...[...notBefore].filter(([, t]) => t > now).map(([id]) => id)])
    for (const record of store.pending(free, waiting)) {
      const abort = new AbortController()
      const done = run(record, abort.signal)
        .catch((err: unknown) => log.error('pin job failed unexpectedly', { requestid: record.requestid, error: String(err) }))
        .finally(() => {
          active.delete(record.requestid)
          fill()
        })
      active.set(record.requestid, { abort, done })
    }
  }

  async function run(record: PinRecord, cancelled: AbortSignal) {
    const { requestid } = record
    if (Date.now() >= record.deadline) return fail(record, `content not found before the deadline (${new Date(record.deadline).toISOString()})`)
    set(requestid, 'pinning', { ...record.info, status_details: 'connecting to origins and fetching' })
    await dialOrigins(record.origins, cancelled)
    const outcome = await init.lock.run(record.multihash, () => fetch(record, cancelled))
    if (outcome === 'gone') return void (await init.releaser.release(record.multihash))
    if (outcome !== 'pinned') return
    forget(requestid)
    const old = store.settleReplace(requestid)
    if (old) await init.releaser.release(old)
  }

  async function fetch(record: PinRecord, cancelled: AbortSignal): Promise<'pinned' | 'failed' | 'retry' | 'gone'> {
    const { requestid } = record
    if (!store.get(requestid)) return 'gone'
    // One Kubo pin per multihash: a `bafy...` asked for after its `Qm...` reuses the pin Kubo already has.
    // Written before Kubo pins, so a crash can never leave a Kubo pin we do not know about.
    const cid = store.ledger.get(record.multihash) ?? record.cid
    store.ledger.add(record.multihash, cid)
    const abort = new AbortController()
    const onCancel = () => abort.abort(new Error('cancelled'))
    cancelled.addEventListener('abort', onCancel)
    let blocks = 0
    let lastProgress = Date.now()
    let lastWrite = 0
    const watchdog = setInterval(() => {
      const now = Date.now()
      if (now >= record.deadline || now - lastProgress >= init.stallTimeoutMs) abort.abort(new Stalled())
    }, Math.min(1000, init.stallTimeoutMs))
    try {
      await kubo.pinAdd(
        cid,
        (n) => {
          if (n > blocks) {
            blocks = n
            lastProgress = Date.now()
          }
          if (Date.now() - lastWrite < PROGRESS_WRITE_MS) return
          lastWrite = Date.now()
          set(requestid, 'pinning', { progress: String(blocks), status_details: `fetched ${blocks} blocks` })
        },
        abort.signal,
      )
    } catch (err) {
      if (cancelled.aborted || !store.get(requestid)) return 'gone'
      return retryOrFail(record, err, abort.signal.reason)
    } finally {
      clearInterval(watchdog)
      cancelled.removeEventListener('abort', onCancel)
    }
    if (!store.get(requestid)) return 'gone'
    const dagSize = await kubo.dagSize(cid, { offline: true }).catch(() => 0)
    if (!init.fits(record.accountId, dagSize)) {
      fail(record, `INSUFFICIENT_FUNDS: pinning ${dagSize} bytes would exceed the account's quota`, dagSize)
      void init.releaser.release(record.multihash)
      return 'failed'
    }
    set(requestid, 'pinned', { dag_size: String(dagSize), progress: String(blocks) }, dagSize)
    log.info('pinned', { requestid, cid, dagSize })
    return 'pinned'
  }

  function retryOrFail(record: PinRecord, err: unknown, reason: unknown): 'retry' | 'failed' {
    const past = Date.now() >= record.deadline
    // Kubo answered with an error (a codec it cannot read, a broken DAG): retrying cannot help.
    if (!(reason instanceof Stalled) && err instanceof KuboRpcError && !/context|timeout|deadline/i.test(err.message)) {
      fail(record, `Kubo could not pin it: ${err.message}`)
      return 'failed'
    }
    if (past) {
      fail(record, `content not found before the deadline (${new Date(record.deadline).toISOString()})`)
      return 'failed'
    }
    const why = reason instanceof Stalled ? 'no provider found yet' : isCoreError(err) ? err.details : String(err)
    const n = (attempts.get(record.requestid) ?? 0) + 1
    attempts.set(record.requestid, n)
    notBefore.set(record.requestid, Date.now() + Math.min(MAX_RETRY_MS, RETRY_MS * 2 ** (n - 1)))
    set(record.requestid, 'queued', { status_details: `${why}; retrying until ${new Date(record.deadline).toISOString()}` })
    return 'retry'
  }

  function forget(requestid: string) {
    notBefore.delete(requestid)
    attempts.delete(requestid)
  }

  function fail(record: PinRecord, reason: string, dagSize?: number) {
    forget(record.requestid)
    log.info('pin failed', { requestid: record.requestid, cid: record.cid, reason })
    set(record.requestid, 'failed', { status_details: reason, ...(dagSize ? { dag_size: String(dagSize) } : {}) })
    const old = store.settleReplace(record.requestid)
    if (old) void init.releaser.release(old)
  }

  async function dialOrigins(origins: string[], cancelled: AbortSignal) {
    await Promise.all(
      origins.map(async (addr) => {
        try {
          await kubo.swarmConnect(addr, AbortSignal.any([cancelled, AbortSignal.timeout(DIAL_TIMEOUT_MS)]))
        } catch (err) {
          log.debug('origin not reachable', { addr, error: String(err) })
        }
      }),
    )
  }

  return {
    start() {
      running = true
      timer = setInterval(fill, TICK_MS)
      fill()
    },
    async stop() {
      running = false
      clearInterval(timer)
      const jobs = [...active.values()]
      for (const job of jobs) job.abort.abort()
      await Promise.all(jobs.map((j) => j.done))
    },
    wake: () => setImmediate(fill),
    cancel(requestid) {
      active.get(requestid)?.abort.abort()
      forget(requestid)
    },
  }
}
