// Start and stop order of the core's components. They start in the order given and stop in reverse; adjacent
// child processes (Kubo and MinIO) start side by side, as each takes a good part of a second. A start that
// fails stops what had started, as promptly as a stop. Nothing a component spawns outlives its stop().
import type { Logger } from './log.js'

export interface Component {
  name: string
  start(): Promise<void>
  stop(): Promise<void>
  /**
   * Work start() began and left running behind the later components (MinIO's start, behind the API): the
   * core's start is complete, or fails and rolls back, once every component's `ready` has settled.
   */
  ready?(): Promise<void> | undefined
}

/**
 * A component whose start goes on behind the later ones (its ready() is the start itself). `stop` is given
 * `started`, which waits for that start to settle, whichever way.
 */
export function startingBehind(
  name: string,
  start: () => Promise<void>,
  stop: (started: () => Promise<void>) => Promise<void>,
): Component {
  let starting: Promise<void> | undefined
  return {
    name,
    start: async () => {
      starting = start()
      starting.catch(() => {}) // awaited by ready(), or by the stop
    },
    ready: () => starting,
    stop: () => stop(async () => void (await starting?.catch(() => {}))),
  }
}

export interface LifecycleInit {
  /** In start order. */
  components: Component[]
  /** The child processes: started side by side when adjacent, stopped side by side after the rest. */
  children: ReadonlySet<string>
  /** Stopped after everything else (the db). */
  last: ReadonlySet<string>
  log: Logger
}

export interface Lifecycle {
  start(): Promise<void>
  stop(): Promise<void>
}

/**
 * A stop (SIGTERM, app quit, a failed start) finishes within about 5 s whatever is in flight: the components
 * before the child processes share OTHERS_STOP_MS (each cancels its own work; one that overruns is left
 * behind and logged), then the children stop side by side through their own bounded steps, then the last.
 */
const OTHERS_STOP_MS = 2000
const CHILD_STOP_MS = 4500
const LAST_STOP_MS = 1000

export function createLifecycle(init: LifecycleInit): Lifecycle {
  const { components, children, last, log } = init

  /** The components in start order, adjacent children in one step. */
  const steps = (): Component[][] => {
    const out: Component[][] = []
    for (const c of components) {
      const step = out.at(-1)
      if (step && children.has(c.name) && children.has(step[0]!.name)) step.push(c)
      else out.push([c])
    }
    return out
  }

  /** A component's start, with how long it took in the log (debug): where start-up time goes. */
  const timed = async (c: Component): Promise<void> => {
    const begun = performance.now()
    await c.start()
    log.debug(`started ${c.name}`, {
      ms: Math.round(performance.now() - begun),
      sinceProcessStart: Math.round(performance.now()),
    })
  }

  const stopOne = async (c: Component, ms: number) => {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), ms)))
    try {
      if ((await Promise.race([c.stop(), late])) === 'late') log.warn(`stopping ${c.name} took over ${ms} ms; going on`)
    } catch (err) {
      log.error(`stopping ${c.name} failed`, { error: String(err) })
    } finally {
      clearTimeout(timer)
    }
  }

  /** Stops `order` (already reversed): the others within a shared budget, then the children, then the last. */
  const stopAll = async (order: Component[]) => {
    const until = Date.now() + OTHERS_STOP_MS
    for (const c of order)
      if (!children.has(c.name) && !last.has(c.name)) await stopOne(c, Math.max(100, until - Date.now()))
    await Promise.all(order.filter((c) => children.has(c.name)).map((c) => stopOne(c, CHILD_STOP_MS)))
    for (const c of order) if (last.has(c.name)) await stopOne(c, LAST_STOP_MS)
  }

  return {
    async start() {
      const started: Component[] = []
      try {
        // When one of a step fails, the others are awaited and counted as started, so the rollback stops them.
        for (const step of steps()) {
          const results = await Promise.allSettled(step.map((c) => timed(c)))
          step.forEach((c, i) => results[i]!.status === 'fulfilled' && started.push(c))
          const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
          if (failed) throw failed.reason
        }
        for (const c of components) await c.ready?.()
      } catch (err) {
        await stopAll(started.reverse())
        throw err
      }
    },
    stop: () => stopAll([...components].reverse()),
  }
}
