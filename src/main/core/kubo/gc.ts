// Garbage collection of Kubo's blockstore, decided by Tack. Kubo runs with its automatic GC off
// (`--enable-gc=false`): when the last reference to content goes and it is unpinned, schedule() asks for a
// `repo/gc` at now + delay (debounced: every unpin pushes the run back). The due time is kept in the settings
// table, so a run that was pending at stop() or at a kill -9 still happens shortly after the next start.
//
// Race safety: Kubo's own `pin add` holds Kubo's pin lock while it fetches, so `repo/gc` never takes blocks a
// PSA pin is fetching. Tack's upload pinner does `add` (pin=false) and then `pin add`; between the two the
// blocks are unpinned. Those jobs run inside `gate.hold()`, and a GC run takes the gate exclusively, so a GC
// waits for every add+pin in flight and no add+pin starts while a GC runs.
import type { Db } from '../db/index.js'
import type { Logger } from '../log.js'
import type { KuboClient } from './client.js'

/** A shared/exclusive lock: many add+pin jobs at once, or one GC. */
export interface GcGate {
  /** Runs fn while no GC runs; a GC waits until fn settles. */
  hold<T>(fn: () => Promise<T>): Promise<T>
  /** Runs fn alone: after every held fn has settled, before any new one starts. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>
  /**
   * Work that Kubo's GC would wait for but that may never end (a PSA fetch of content nobody provides holds
   * Kubo's pin lock, and a waiting GC blocks every new pin): before each exclusive run, pause() cuts it short
   * and holds it back; the resume it returns runs after the exclusive fn. Such work never holds the gate, so
   * neither a GC nor the upload pins queued behind it can wait on a stuck fetch.
   */
  beforeExclusive(pause: () => Promise<() => void>): void
  /** For /api/status: jobs holding the gate now, and since when a GC has waited for them (or has run). */
  state(): { holders: number; gc?: { stage: 'waiting for jobs' | 'collecting'; since: number } }
}

export function createGcGate(): GcGate {
  let holders = 0
  let exclusive: Promise<unknown> | undefined
  let drained: (() => void) | undefined
  const pausers: Array<() => Promise<() => void>> = []
  let gc: ReturnType<GcGate['state']>['gc']
  const release = () => {
    holders--
    if (holders === 0) drained?.()
  }
  return {
    beforeExclusive: (pause) => void pausers.push(pause),
    state: () => ({ holders, ...(gc ? { gc: { ...gc } } : {}) }),
    async hold(fn) {
      while (exclusive) await exclusive.catch(() => {})
      holders++
      try {
        return await fn()
      } finally {
        release()
      }
    },
    async exclusive(fn) {
      while (exclusive) await exclusive.catch(() => {})
      const run = (async () => {
        const resumes = await Promise.all(pausers.map((pause) => pause().catch(() => () => {})))
        try {
          gc = { stage: 'waiting for jobs', since: Date.now() }
          if (holders > 0) await new Promise<void>((resolve) => (drained = resolve))
          drained = undefined
          gc = { stage: 'collecting', since: Date.now() }
          return await fn()
        } finally {
          gc = undefined
          for (const resume of resumes) resume()
        }
      })()
      exclusive = run
      try {
        return await run
      } finally {
        exclusive = undefined
      }
    },
  }
}

export interface GcInit {
  kubo: Pick<KuboClient, 'repoGc'>
  /** config.gcDelayMs: how long after the last unpin the collection runs. */
  delayMs: number
  /** config.gcGateTimeoutMs: the deadline of a run once it holds the gate (a run cut short is retried). */
  timeoutMs?: number
  gate: GcGate
  /** Where the due time of a pending run is remembered (the settings table). */
  db: Pick<Db, 'prepare'>
  log: Logger
}

export interface Gc {
  /** Asks for a collection at now + delay; a pending one moves back to then. */
  schedule(): void
  /** Runs a collection now (waits for add+pin jobs in flight); resolves with the number of blocks removed. */
  runNow(): Promise<number>
  /** Picks up a run that was pending at the last stop (or kill). */
  start(): Promise<void>
  /** Cancels the timer (the pending run stays remembered) and waits for a run in progress. */
  stop(): Promise<void>
}

const SETTING = 'kubo.gc_due'
const RETRY_MS = 30_000

export function createGc(init: GcInit): Gc {
  const { log } = init
  let timer: NodeJS.Timeout | undefined
  let started = false
  let running: Promise<number> | undefined
  let abort: AbortController | undefined

  const due = () => {
    const row = init.db.prepare('SELECT value FROM settings WHERE key = ?').get(SETTING) as
      { value: string } | undefined
    return row ? Number(row.value) : undefined
  }
  const remember = (at: number) =>
    init.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(SETTING, String(at))
  // Only the run that was asked for is forgotten: a schedule() during the run keeps its own due time.
  const forget = (at: number) =>
    init.db.prepare('DELETE FROM settings WHERE key = ? AND value = ?').run(SETTING, String(at))

  const arm = (at: number) => {
    clearTimeout(timer)
    if (!started) return
    timer = setTimeout(() => void gc.runNow().catch(() => {}), Math.max(0, at - Date.now()))
    timer.unref?.()
  }

  async function collect(): Promise<number> {
    const asked = due()
    abort = new AbortController()
    try {
      const started = Date.now()
      const removed = await init.gate.exclusive(() =>
        init.kubo.repoGc(AbortSignal.any([abort!.signal, AbortSignal.timeout(init.timeoutMs ?? 5 * 60 * 1000)])),
      )
      if (asked !== undefined) forget(asked)
      log.info('garbage collected', { removed, ms: Date.now() - started })
      return removed
    } catch (err) {
      if (!abort.signal.aborted) {
        log.warn('garbage collection failed; will retry', { error: String(err) })
        if (asked !== undefined && due() === asked) {
          remember(Date.now() + RETRY_MS)
          arm(Date.now() + RETRY_MS)
        }
      }
      throw err
    } finally {
      abort = undefined
    }
  }

  const gc: Gc = {
    schedule() {
      const at = Date.now() + init.delayMs
      remember(at)
      arm(at)
    },
    runNow() {
      clearTimeout(timer)
      // One run at a time; a schedule() during a run has armed its own timer for later.
      const run = (running ?? Promise.resolve(0)).catch(() => 0).then(collect)
      running = run
      void run
        .finally(() => {
          if (running === run) running = undefined
        })
        .catch(() => {})
      return run
    },
    async start() {
      started = true
      // A run pending at the last stop (or kill) happens at its time, or one delay from now if that is sooner.
      const at = due()
      if (at !== undefined) arm(Math.min(at, Date.now() + init.delayMs))
    },
    async stop() {
      started = false
      clearTimeout(timer)
      abort?.abort()
      await running?.catch(() => {})
    },
  }
  return gc
}

/** The client the domains unpin through: each unpin asks for a collection, so deleted content leaves the blockstore. */
export function collectingAfterUnpin<K extends Pick<KuboClient, 'pinRm'>>(kubo: K, gc: Pick<Gc, 'schedule'>): K {
  return {
    ...kubo,
    async pinRm(cid: string) {
      await kubo.pinRm(cid)
      gc.schedule()
    },
  }
}
