// One fetch of one content (multihash) for every queued pin object that wants it, in any account: dial the
// origins the objects name, ask Kubo to pin recursively, and settle each object (pinned, or failed for its
// quota or its deadline). What the objects say while it runs is the truth: `status_details` tells why they
// wait (searching since T, origin X unreachable, parked until T) and `progress` how many blocks arrived.
import { setTimeout as delay } from 'node:timers/promises'
import { isCoreError } from '../errors.js'
import type { KuboClient } from '../kubo/client.js'
import { KuboRpcError } from '../kubo/client.js'
import type { Logger } from '../log.js'
import { canonicalCid } from '../cid/index.js'
import { isPublicOrigin } from './origins.js'
import type { KeyedLock, Releaser } from './refcount.js'
import type { PinRecord, PinStore } from './store.js'

export interface FetchDeps {
  store: PinStore
  kubo: Pick<KuboClient, 'pinAdd' | 'isPinned' | 'swarmConnect' | 'dagSize'>
  lock: KeyedLock
  releaser: Releaser
  log: Logger
  searchMs: number
  fits(accountId: number, bytes: number): boolean
  /** Whether the account has no quota: its objects settle before their size is known. */
  unlimited?(accountId: number): boolean
  /** The words of a quota refusal ("INSUFFICIENT_FUNDS: pinning this needs 300 KiB; 200 KiB left of 1 GiB"). */
  refusal?(accountId: number, bytes: number): string
  onChange(record: PinRecord): void
  /** The objects (any account) still queued or pinning for this content. */
  pendingFor(multihash: string): PinRecord[]
}

export type FetchOutcome =
  | { kind: 'done' }
  /** Nothing found: the scheduler picks when to try again and calls park() to tell the objects. */
  | { kind: 'parked'; deadline: number; park(until: number, attempt: number): void }
  /** Cut short (stop, GC, preemption, cancel): no state change, tried again later. */
  | { kind: 'aborted' }

const DIAL_TIMEOUT_MS = 5000
const PROGRESS_WRITE_MS = 1000

/** How much more of a DAG arrives between two looks at the quotas of the objects that wait for it. */
const QUOTA_CHECK_BYTES = 4 * 1024 * 1024

class NotFound extends Error {}
class OverQuota extends Error {
  constructor(readonly bytes: number) {
    super(`over quota after ${bytes} bytes`)
  }
}

const iso = (t: number) => new Date(t).toISOString()

export async function runFetch(
  deps: FetchDeps,
  multihash: string,
  attempts: number,
  signal: AbortSignal,
  onProgress: () => void,
  /** Filled in here: join() brings objects queued for this content after the fetch began into it. */
  control: { join?: () => void } = {},
): Promise<FetchOutcome> {
  const { store, log } = deps
  const set = (r: PinRecord, change: Parameters<PinStore['update']>[1]) => {
    store.update(r.requestid, change)
    const now = store.get(r.requestid)
    if (now) deps.onChange(now)
  }
  const fail = (r: PinRecord, reason: string, dagSize?: number) => {
    log.info('pin failed', { requestid: r.requestid, cid: r.cid, reason })
    set(r, { status: 'failed', info: { status_details: reason, ...(dagSize ? { dag_size: String(dagSize) } : {}) } })
    const old = store.settleReplace(r.requestid)
    if (old) void deps.releaser.release(old)
  }
  const expired = (r: PinRecord) => `content not found before the deadline (${iso(r.deadline)})`

  let records = deps.pendingFor(multihash)
  const started = Date.now()
  for (const r of records) if (started >= r.deadline) fail(r, expired(r))
  records = records.filter((r) => started < r.deadline)
  if (!records.length) return done()

  const searching = `searching for providers since ${iso(started)}${attempts ? ` (attempt ${attempts + 1})` : ''}`
  // What the objects of this content say now; a late object joins with the same line.
  let details = searching
  let progress: string | undefined
  control.join = () => {
    for (const r of deps.pendingFor(multihash))
      if (r.status === 'queued')
        set(r, { status: 'pinning', info: { ...(progress ? { progress } : {}), status_details: details } })
  }
  for (const r of records) set(r, { status: 'pinning', info: { ...keep(r.info), status_details: searching } })
  // The origins are dialled while Kubo already asks for the content: bitswap sends its wants to a peer as
  // soon as a connection comes up, so the pin need not wait for the slowest dial (up to DIAL_TIMEOUT_MS).
  let unreachable: string[] = []
  // The dials end with this fetch: once it is over, their lines would land on a later fetch's objects.
  const dials = new AbortController()
  let finished = false
  const dialSignal = AbortSignal.any([signal, dials.signal])
  const dialled = dialOrigins(deps, [...new Set(records.flatMap((r) => r.origins))], dialSignal).then((lines) => {
    unreachable = lines
    if (finished || signal.aborted || !lines.length || progress) return
    details = [searching, ...lines].join('; ')
    for (const r of deps.pendingFor(multihash)) set(r, { info: { ...keep(r.info), status_details: details } })
  }).catch((err: unknown) => log.warn('could not note unreachable origins', { error: String(err) }))

  const outcome = await deps.lock.run(multihash, () => pin(records[0]!.cid)).finally(() => {
    finished = true
    dials.abort()
  })
  // A content nobody wants any more (every object deleted meanwhile, or all failed) is released here, after
  // the lock: the releaser takes the same lock and checks the references itself.
  if (outcome.kind !== 'done' || !deps.pendingFor(multihash).length) void deps.releaser.release(multihash)
  return outcome

  function done(): FetchOutcome {
    return { kind: 'done' }
  }

  async function pin(fallbackCid: string): Promise<FetchOutcome> {
    if (!deps.pendingFor(multihash).length) return done()
    // One Kubo pin per multihash: a `bafy...` asked for after its `Qm...` reuses the pin Kubo already has.
    // Written before Kubo pins, so a crash can never leave a Kubo pin we do not know about.
    // Canonical: a client's own spelling (base64 holds `/`) is for echoing, and Kubo reads it as a path.
    const cid = canonicalCid(store.ledger.get(multihash) ?? fallbackCid)
    store.ledger.add(multihash, cid)
    const abort = new AbortController()
    const onAbort = () => abort.abort(signal.reason)
    signal.addEventListener('abort', onAbort)
    let blocks = 0
    let lastProgress = Date.now()
    let lastWrite = 0
    const deadline = Math.max(...deps.pendingFor(multihash).map((r) => r.deadline))
    const watchdog = setInterval(
      () => {
        const now = Date.now()
        if (now >= deadline || now - lastProgress >= deps.searchMs) abort.abort(new NotFound())
      },
      Math.min(1000, deps.searchMs),
    )
    const sizeWatch = new AbortController()
    try {
      // Never `pin add` what Kubo pins already: Kubo 0.43 (boxo 0.42) removes that pin first and adds it back
      // after walking the DAG with its lock released, so the pinset lacks content another reference needs
      // (a replacement's hold on this very content, an upload), for good if the call is cut short. A
      // recursive pin is of a complete DAG. Nothing unpins it before the objects settle: our releaser waits
      // for this lock, and other domains ask holds(), which counts them. A failed check just pins.
      if (!(await deps.kubo.isPinned(cid).catch(() => false))) {
        // With the pin: started at Kubo's first progress line instead, it let 80 of a 96 MiB DAG arrive against
        // an 8 MiB quota (tests/pin-quota-fetch.test.ts; 10-11 MiB this way). The cost: content never found is
        // searched for twice.
        watchSize(cid, AbortSignal.any([abort.signal, sizeWatch.signal]), (b) => abort.abort(new OverQuota(b)))
        await deps.kubo.pinAdd(
          cid,
          (n) => {
            if (n > blocks) {
              blocks = n
              lastProgress = Date.now()
              onProgress()
            }
            if (Date.now() - lastWrite < PROGRESS_WRITE_MS) return
            lastWrite = Date.now()
            progress = String(blocks)
            details = `fetching: ${blocks} blocks arrived`
            for (const r of deps.pendingFor(multihash))
              set(r, { status: 'pinning', info: { progress, status_details: details } })
          },
          abort.signal,
        )
      }
    } catch (err) {
      if (signal.aborted) return { kind: 'aborted' }
      const reason: unknown = abort.signal.reason
      if (reason instanceof OverQuota) {
        // The size is what had arrived: the DAG is at least that large. An object that joined meanwhile and
        // can hold it (its account has no quota) is fetched again.
        const words = (r: PinRecord) => deps.refusal?.(r.accountId, reason.bytes) ?? 'INSUFFICIENT_FUNDS'
        for (const r of deps.pendingFor(multihash))
          if (!deps.fits(r.accountId, reason.bytes)) fail(r, `${words(r)} (at least: the fetch stopped there)`)
        return deps.pendingFor(multihash).length ? { kind: 'aborted' } : done()
      }
      await dialled // what a parked object says names the unreachable origins
      return notPinned(err, reason, blocks)
    } finally {
      sizeWatch.abort()
      clearInterval(watchdog)
      signal.removeEventListener('abort', onAbort)
    }
    // Objects of accounts without a quota need no size to settle: they read `pinned` as soon as Kubo has
    // pinned (a client polling then sees it), and their size follows (dag stat walks the DAG: ~5 ms for
    // 10 MiB, a tenth of what `ipfs pin remote add` spent beyond `ipfs pin add`). The rest wait for it.
    const unsized = deps.pendingFor(multihash).filter((r) => deps.unlimited?.(r.accountId))
    for (const r of unsized) settle(r, { progress: String(blocks) })
    const dagSize = await deps.kubo.dagSize(cid, { offline: true }).catch(() => 0)
    for (const r of unsized)
      if (store.get(r.requestid)?.status === 'pinned')
        set(r, { info: { dag_size: String(dagSize), progress: String(blocks) }, dagSize })
    for (const r of deps.pendingFor(multihash)) {
      if (!deps.fits(r.accountId, dagSize)) {
        fail(r, deps.refusal?.(r.accountId, dagSize) ?? `INSUFFICIENT_FUNDS: pinning ${dagSize} bytes exceeds the quota`, dagSize)
        continue
      }
      settle(r, { dag_size: String(dagSize), progress: String(blocks) }, dagSize)
    }
    return done()
  }

  /**
   * Content that only accounts with a quota wait for is fetched while one of them could still hold what
   * arrived: `dag stat` walks the DAG beside the pin (over blocks the pin mostly fetched already) and tells
   * the bytes so far; `over` is called once none of the waiting objects fits them. Without it, an account
   * at its quota could have Kubo fetch any DAG whole (for up to the pin's deadline) before failing at its size.
   */
  function watchSize(cid: string, watchSignal: AbortSignal, over: (bytes: number) => void): void {
    const quotaOnly = () => deps.pendingFor(multihash).every((r) => deps.unlimited?.(r.accountId) === false)
    if (!quotaOnly()) return
    let checked = 0
    const onSize = (bytes: number) => {
      if (bytes - checked < QUOTA_CHECK_BYTES) return
      checked = bytes
      const pending = deps.pendingFor(multihash)
      if (quotaOnly() && pending.length && !pending.some((r) => deps.fits(r.accountId, bytes))) over(bytes)
    }
    deps.kubo.dagSize(cid, { signal: watchSignal, onSize }).catch(() => {}) // the pin itself says what failed
  }

  function settle(r: PinRecord, info: Record<string, string>, dagSize?: number): void {
    set(r, { status: 'pinned', info, dagSize })
    log.info('pinned', { requestid: r.requestid, cid: r.cid, dagSize })
    const old = store.settleReplace(r.requestid)
    if (old) void deps.releaser.release(old)
  }

  function notPinned(err: unknown, reason: unknown, blocks: number): FetchOutcome {
    const pending = deps.pendingFor(multihash)
    // Kubo answered with an error (a codec it cannot read, a broken DAG): trying again cannot help.
    if (
      !(reason instanceof NotFound) &&
      err instanceof KuboRpcError &&
      !/context|timeout|deadline/i.test(err.message)
    ) {
      for (const r of pending) fail(r, `Kubo could not pin it: ${err.message}`)
      return done()
    }
    const now = Date.now()
    for (const r of pending) if (now >= r.deadline) fail(r, expired(r))
    const cause =
      reason instanceof NotFound
        ? blocks
          ? `${blocks} blocks arrived, then nothing for ${Math.round(deps.searchMs / 1000)} s`
          : `no provider found in ${Math.round((now - started) / 1000)} s`
        : isCoreError(err)
          ? err.details
          : String(err)
    const still = deps.pendingFor(multihash)
    if (!still.length) return done()
    return {
      kind: 'parked',
      // The latest deadline of the objects waiting: a back-off never runs past it (they fail there instead).
      deadline: Math.max(...still.map((r) => r.deadline)),
      park(until, attempt) {
        const details = `${cause}${unreachable.length ? `; ${unreachable.join('; ')}` : ''}; parked until ${iso(until)} (attempt ${attempt}), then searching again until ${iso(Math.max(...still.map((r) => r.deadline)))}`
        for (const r of deps.pendingFor(multihash))
          set(r, {
            status: 'queued',
            info: { ...(blocks ? { progress: String(blocks) } : {}), status_details: details },
          })
      },
    }
  }
}

/** The info keys a pin object keeps while it waits (progress so far); the rest is rewritten. */
function keep(info: Record<string, string>): Record<string, string> {
  return info.progress ? { progress: info.progress } : {}
}

/** Dials every origin at once; returns one line per origin that could not be reached. */
async function dialOrigins(deps: FetchDeps, origins: string[], signal: AbortSignal): Promise<string[]> {
  const failures: string[] = []
  await Promise.all(
    origins.map(async (addr) => {
      const started = Date.now()
      try {
        await deps.kubo.swarmConnect(addr, AbortSignal.any([signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)]))
      } catch (err) {
        if (signal.aborted) return
        const message =
          err instanceof KuboRpcError
            ? err.message
            : (err as Error).name === 'TimeoutError'
              ? `no answer in ${DIAL_TIMEOUT_MS / 1000} s`
              : String(err)
        if (isPublicOrigin(addr)) return void failures.push(`origin ${addr} unreachable (${dialReason(message)})`)
        // Nor when: a refusal comes in milliseconds, a silent port takes the whole timeout.
        const left = DIAL_TIMEOUT_MS - (Date.now() - started)
        if (left > 0 && !(await delay(left, true, { signal }).catch(() => false))) return
        failures.push(`origin ${addr} unreachable`)
      }
    }),
  )
  return failures
}

/** The part of Kubo's dial error a person can act on: the reason of the first address tried. */
export function dialReason(message: string): string {
  const perAddress = /\*\s*\[[^\]]*\]\s*([^*]*)/.exec(message)?.[1]
  const text = (perAddress || message).replace(/\s+/g, ' ').trim()
  return text.length > 160 ? `${text.slice(0, 159)}…` : text
}
