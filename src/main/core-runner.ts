// Runs the desktop app's core and reports its state. Starting and stopping are queued, so a quit during a
// start waits for the start and then stops what it started: no Kubo or MinIO is ever left behind by a race.
import type { Connection, CoreState } from '../shared/ipc.js'

export interface RunnableCore {
  /** The owner's local credential, for the shell's own calls; never handed to the renderer. */
  readonly localToken: string
  /** A fresh one-time login token (the renderer exchanges it for a session at POST /api/session); a core in
   *  another process answers it asynchronously. */
  loginToken(): string | Promise<string>
  url(): string
  start(): Promise<void>
  stop(): Promise<void>
  /** A core that can die on its own while running (its process crashed) says so here; the runner then reports
   *  `failed` and a start() restarts it. */
  onFailure?(listener: (error: Error) => void): void
}

export interface CoreRunnerInit<C extends RunnableCore> {
  /** Builds a core; may throw (a missing binary is found while building). */
  make: () => C
  onState: (state: CoreState, error?: unknown) => void
}

export interface CoreRunner<C extends RunnableCore> {
  readonly state: CoreState
  current(): C | undefined
  /** The shell's own way in (uploads, LAN switch, notifications), only while the core is running. */
  connection(): Connection | undefined
  /** The renderer's way in: the API's URL and a one-time login token minted for this request. */
  rendererConnection(): Promise<Connection | undefined>
  start(): Promise<void>
  stop(): Promise<void>
}

export function createCoreRunner<C extends RunnableCore>(init: CoreRunnerInit<C>): CoreRunner<C> {
  let core: C | undefined
  let state: CoreState = 'stopping'
  let queue: Promise<unknown> = Promise.resolve()
  const set = (next: CoreState, error?: unknown) => {
    state = next
    init.onState(next, error)
  }
  // Each operation runs after the previous one settles; its own failure still reaches its caller.
  const enqueue = (op: () => Promise<void>): Promise<void> => {
    const run = queue.then(op, op)
    queue = run.catch(() => {})
    return run
  }
  const startNow = async () => {
    try {
      const made = (core = init.make())
      made.onFailure?.((err) => {
        if (core !== made) return
        core = undefined
        set('failed', err)
      })
      await made.start()
      set('running')
    } catch (err) {
      core = undefined
      set('failed', err)
      throw err
    }
  }
  const stopNow = async () => {
    const stopping = core
    core = undefined
    if (stopping) await stopping.stop()
  }
  return {
    get state() {
      return state
    },
    current: () => core,
    connection: () => (state === 'running' && core ? { apiUrl: core.url(), token: core.localToken } : undefined),
    rendererConnection: async () => {
      if (state !== 'running' || !core) return undefined
      const apiUrl = core.url()
      return { apiUrl, token: await core.loginToken() }
    },
    start: () =>
      enqueue(async () => {
        set('starting')
        await startNow()
      }),
    stop: () =>
      enqueue(async () => {
        set('stopping')
        await stopNow()
      }),
  }
}
