// On-demand pinning: the first access to an upload (or ?pin=true, or POST …/pin) adds its bytes from the
// object store to Kubo, checks that Kubo computed the same CID, and pins it. One job per CID however many
// requests arrive at once; a failed job is tried again on the next access. Jobs cut off by a stop or a kill
// are resumed at the next start. Once pinned, the objects the pin covers go (placement.ts: one copy).
//
// Kubo's `add` here does not pin (see ADD_ARGS), so the blocks are unpinned until `pin add` has run: each
// add+pin runs inside the GC gate (kubo/gc.ts), and Tack's GC never runs while one is in flight. An upload
// deleted while its job ran is unpinned again once the job ends, so its blocks are not held forever.
//
// Nothing inside the gate may wait on the network: the pin is made offline (every block was just added or
// imported; one that is not there fails the job at once instead of being searched for), and every call in the
// gate has a deadline (gateTimeoutMs). A job that fails is tried again on the next access; jobs() and
// details() say what each job is doing or why it failed, for /api/status and the file's entry.
import type { CarImporter } from './car/index.js'
import { CoreError } from '../errors.js'
import type { AddEntry } from '../kubo/add.js'
import type { KuboClient } from '../kubo/client.js'
import type { GcGate } from '../kubo/gc.js'
import type { Logger } from '../log.js'
import type { Placement } from './placement.js'
import type { FileRow, FilesRepo, FileState } from './repo.js'

export interface FileStateEvent {
  type: 'file'
  accountId: number
  cid: string
  name: string
  state: FileState
}

/** What the pins domain offers: an already-pinned upload becomes a pin object of its account. */
export interface UploadPinsPort {
  record(input: { accountId: number; cid: string; name: string; size: number }): unknown
  remove(accountId: number, cid: string): void
}

export interface PinnerDeps {
  repo: FilesRepo
  placement: Pick<Placement, 'read' | 'evict'>
  kubo: Pick<KuboClient, 'add' | 'pinAdd' | 'pinRm'>
  uploadPins?: UploadPinsPort
  /** Held across each add+pin, so a GC cannot take blocks between the two calls. */
  gcGate?: Pick<GcGate, 'hold'>
  /** Whether a pin object of any account needs this content (then a job whose upload is gone keeps its pin). */
  pinnedElsewhere?(multihash: string): boolean
  /** CAR uploads get into Kubo by dag/import (files/car/index.ts), not by add. */
  car?: CarImporter
  /** config.gcGateTimeoutMs: the deadline of the Kubo calls a job makes inside the gate. */
  gateTimeoutMs?: number
  /** config.accessPinJobs: how many pins asked for by a first read (pinSoon) run at once. */
  accessPinJobs?: number
  publish(event: FileStateEvent): void
  log: Logger
}

export interface Pinner {
  /** Resolves once the CID is pinned; starts the job if none runs. Undefined CIDs resolve at once. */
  ensurePinned(cid: string): Promise<void>
  /**
   * The pin a first read asks for: queued, and run when one of the accessPinJobs slots is free. The CID is
   * marked `pinning` at once, so a stop or a kill before its turn leaves it for the next start to resume.
   */
  pinSoon(cid: string): void
  /**
   * Before a record leaves the public (files/index.ts: makePrivate): a queued pin is taken off the queue (true
   * is returned), a running one is waited for, so no job pins the content after its records went private.
   */
  settle(cid: string): Promise<boolean>
  /** Makes the pin object of an upload whose CID Kubo already holds (a second upload of pinned content). */
  recordPin(row: FileRow): void
  /** Restarts the jobs a stop or kill cut off. */
  resume(): void
  /** Cuts running jobs short and waits for them; their CIDs stay `pinning` and resume at the next start. */
  stop(): Promise<void>
  /** The jobs running now: since when, and whether they wait for a GC to end or work in Kubo. */
  jobs(): PinJob[]
  /** Why this CID's last job failed, or what its running job does; undefined when there is nothing to say. */
  details(cid: string): string | undefined
}

export interface PinJob {
  cid: string
  stage: 'waiting for a garbage collection to end' | 'adding to Kubo'
  /** When the job entered this stage (ms since the epoch). */
  since: number
}

const DEFAULT_GATE_TIMEOUT_MS = 5 * 60 * 1000
/**
 * Pins asked for by reads run one at a time by default. Before this cap every first read started its own job
 * at once: 200 first reads of fresh 4 KiB files started up to 200 Kubo adds beside the reads still to come,
 * and the median first read took 8.1 ms; with no job running beside them, 2.1 ms (bench/psa-gateway.ts,
 * first read small files, 2026-12-08). A burst of first reads is also a burst of work nobody waits for.
 */
const DEFAULT_ACCESS_PIN_JOBS = 1
/** Failure reasons kept for details(); the oldest go first (a retry or a delete also clears one). */
const MAX_REASONS = 1000

export function createPinner(deps: PinnerDeps): Pinner {
  const { repo, log } = deps
  const jobs = new Map<string, Promise<void>>()
  const stages = new Map<string, PinJob>()
  const reasons = new Map<string, string>()
  const gateTimeoutMs = deps.gateTimeoutMs ?? DEFAULT_GATE_TIMEOUT_MS
  const accessPinJobs = deps.accessPinJobs ?? DEFAULT_ACCESS_PIN_JOBS
  /** CIDs pinSoon queued, oldest first; and how many of them run now. */
  const soon = new Set<string>()
  let soonRunning = 0
  let stopping = new AbortController()
  const remember = (cid: string, reason: string) => {
    reasons.delete(cid)
    reasons.set(cid, reason)
    if (reasons.size > MAX_REASONS) reasons.delete(reasons.keys().next().value!)
  }

  const setState = (cid: string, state: FileState) => {
    repo.setState(cid, state)
    for (const row of repo.rowsByCid(cid))
      deps.publish({ type: 'file', accountId: row.account_id, cid, name: row.name, state })
  }

  const recordPin = (row: FileRow) => {
    // A private record never gets a pin object: it would keep the content in Kubo (files/private.ts).
    if (row.private) return
    try {
      deps.uploadPins?.record({ accountId: row.account_id, cid: row.cid, name: row.name, size: row.size })
    } catch (err) {
      log.warn('could not record the pin object of an upload', { cid: row.cid, error: String(err) })
    }
  }

  /** The folder's files (and the folders above them), read from the store one after another. */
  async function* entriesOf(row: FileRow): AsyncGenerator<AddEntry> {
    const files =
      row.kind === 'dir' ? repo.entries(row.cid) : [{ path: kuboName(row.name), cid: row.cid, size: row.size }]
    const dirs = new Set<string>()
    for (const entry of files) {
      const parts = entry.path.split('/')
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/')
        if (!dirs.has(dir)) yield { path: dir }
        dirs.add(dir)
      }
      const blob = repo.blob(entry.cid)
      if (!blob) throw new CoreError('NOT_FOUND', `the bytes of ${entry.cid} are missing from the object store`)
      yield { path: entry.path, content: await deps.placement.read(blob) }
    }
  }

  async function run(cid: string): Promise<void> {
    const row = repo.rowsByCid(cid).find((r) => !r.private)
    if (!row) return
    // Queued by pinSoon, it said `pinning` already.
    if (repo.stateOf(cid) !== 'pinning') setState(cid, 'pinning')
    reasons.delete(cid)
    stages.set(cid, { cid, stage: 'waiting for a garbage collection to end', since: Date.now() })
    const hold = deps.gcGate?.hold ?? ((fn: () => Promise<void>) => fn())
    let deadline: AbortSignal | undefined
    try {
      await hold(async () => {
        stages.set(cid, { cid, stage: 'adding to Kubo', since: Date.now() })
        deadline = AbortSignal.timeout(gateTimeoutMs)
        const signal = AbortSignal.any([stopping.signal, deadline])
        // A folder is sent as its entries, wrapped: the wrapper is the folder. Kubo reports the root last.
        if (deps.car?.isCar(cid)) return await deps.car.importCar(cid, signal)
        const added = await deps.kubo.add(entriesOf(row), { wrapWithDirectory: row.kind === 'dir', signal })
        const root = added.at(-1)
        if (root?.Hash !== cid) throw new CoreError('CONFLICT', `Kubo computed ${root?.Hash} for the bytes of ${cid}`)
        await deps.kubo.pinAdd(cid, undefined, signal, { offline: true })
      })
      if (!repo.stateOf(cid)) {
        // Every upload of it was deleted while the job ran (their delete found nothing pinned yet).
        if (!deps.pinnedElsewhere?.(row.multihash)) await deps.kubo.pinRm(cid)
        log.info('an upload deleted while pinning was unpinned again', { cid })
        return
      }
      setState(cid, 'pinned')
      for (const r of repo.rowsByCid(cid)) recordPin(r)
      log.info('pinned an upload', { cid })
      // Kubo computed this CID from the bytes (or verified the CAR): its copy is now the only one needed.
      await deps.placement
        .evict(cid)
        .catch((err: unknown) => log.warn('could not remove objects Kubo now holds', { cid, error: String(err) }))
    } catch (err) {
      if (stopping.signal.aborted) throw new CoreError('SERVICE_UNAVAILABLE', 'Tack is stopping')
      const failure = deadline?.aborted
        ? new CoreError(
            'SERVICE_UNAVAILABLE',
            `pinning ${cid} failed: Kubo did not finish within ${gateTimeoutMs} ms (TACK_GC_GATE_TIMEOUT_MS); it is tried again on the next access`,
          )
        : err instanceof CoreError
          ? err
          : new CoreError('SERVICE_UNAVAILABLE', `pinning ${cid} failed: ${(err as Error).message}`)
      // Deleted while pinning: nothing left to mark.
      if (repo.stateOf(cid)) {
        remember(cid, failure.details)
        setState(cid, 'failed')
      }
      log.warn('pinning an upload failed', { cid, error: String(err) })
      throw failure
    } finally {
      stages.delete(cid)
    }
  }

  const pump = () => {
    while (soonRunning < accessPinJobs && soon.size > 0 && !stopping.signal.aborted) {
      const cid = soon.values().next().value!
      soon.delete(cid)
      if (jobs.has(cid)) continue
      soonRunning++
      pinner
        .ensurePinned(cid)
        .catch(() => {})
        .finally(() => {
          soonRunning--
          pump()
        })
    }
  }

  const pinner: Pinner = {
    ensurePinned(cid) {
      // Someone waits for this one now: it leaves the queue of reads' pins and starts.
      soon.delete(cid)
      const running = jobs.get(cid)
      if (running) return running
      const state = repo.stateOf(cid)
      if (!state || state === 'pinned') return Promise.resolve()
      const job = run(cid).finally(() => jobs.delete(cid))
      jobs.set(cid, job)
      return job
    },
    pinSoon(cid) {
      if (jobs.has(cid) || soon.has(cid)) return
      const state = repo.stateOf(cid)
      if (!state || state === 'pinned' || !repo.rowsByCid(cid).some((r) => !r.private)) return
      if (state !== 'pinning') setState(cid, 'pinning')
      soon.add(cid)
      pump()
    },
    async settle(cid) {
      if (soon.delete(cid)) return true
      await jobs.get(cid)?.catch(() => {})
      return false
    },
    recordPin,
    resume() {
      stopping = new AbortController()
      // Through the same queue: a data dir left with many jobs does not start them all at once.
      for (const cid of repo.cidsInState('pinning')) pinner.pinSoon(cid)
    },
    async stop() {
      stopping.abort()
      soon.clear()
      await Promise.allSettled([...jobs.values()])
      stopping = new AbortController()
    },
    jobs: () => [...stages.values()].map((job) => ({ ...job })),
    details(cid) {
      const job = stages.get(cid)
      if (job) return `${job.stage} for ${Math.round((Date.now() - job.since) / 1000)} s`
      if (soon.has(cid)) return `waiting for its turn: ${[...soon].indexOf(cid)} other pins asked for by reads go first`
      return repo.stateOf(cid) === 'failed' ? reasons.get(cid) : undefined
    },
  }
  return pinner
}

/** A name Kubo accepts as one path segment (it only labels the entry; the CID does not depend on it). */
function kuboName(name: string): string {
  const clean = name.replaceAll('/', '_')
  return clean === '' || clean === '.' || clean === '..' ? 'file' : clean
}
