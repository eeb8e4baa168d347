// The one shape every child process of Tack has (Kubo, MinIO): spawn with args and env, wait until a
// ready check passes, log its output under its own name, notice a crash and restart it with backoff, and
// stop it gracefully and promptly: the child's own shutdown (Kubo's RPC `shutdown`) first, then SIGTERM,
// then SIGKILL, each with a short bounded wait, so a whole stop stays within a few seconds.
//
// Children never outlive Tack: they are spawned through tack-launcher (tools/launcher), which ties them to
// Tack's life (parent-death signal on Linux, a parent watch on macOS, a kill-on-close job on Windows). Should
// one survive anyway (no launcher), a pid file with the child's identity (start time and executable) lets
// the next start end it, and only it: a stranger that reused the pid is left alone.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { spawnPrivately } from '../data-dir.js'
import { CoreError } from '../errors.js'
import type { Logger } from '../log.js'
import { formatIdentity, identify, matchProcess, parseIdentity, type ProcessIdentity } from './identity.js'

export type SupervisorState = 'stopped' | 'starting' | 'running' | 'restarting' | 'stopping' | 'failed'

export interface SupervisorInit {
  name: string
  log: Logger
  /** Called before every (re)start: returns what to run. Lets a child pick new ports when one is taken. */
  prepare(): Promise<{ command: string; args: string[]; env?: NodeJS.ProcessEnv; cwd?: string }>
  /** One readiness check: true once the child answers. Polled until it is, or until the ready timeout. */
  probe(signal: AbortSignal): Promise<boolean>
  pidFile: string
  /** A line of the child's output that means it can never start (a locked repo): fail at once. */
  fatal?: (line: string) => string | undefined
  /**
   * A line that means the child lost one of its ports to another program between prepare() and listening: the
   * start is tried again (prepare() then picks free ports), up to START_ATTEMPTS times in all.
   */
  portTaken?: (line: string) => boolean
  /** What Tack knows about a line of the child's output (a warning it expects), logged right after it. */
  note?: (line: string) => string | undefined
  /** Asks the child to stop through its own API (Kubo's RPC `shutdown`); SIGTERM follows if it has not. */
  shutdown?(signal: AbortSignal): Promise<void>
  /** Ends a leftover of an earlier run through the child's own means (Kubo's API in its repo) before the pid file. */
  evictLeftover?(signal: AbortSignal): Promise<void>
  /** tack-launcher's path, or undefined to spawn directly (then a kill -9 of Tack leaves the child running). */
  launcher?: string
  readyTimeoutMs?: number
  /** Bound of each stop step (own shutdown, SIGTERM) before the next; default 1500 ms. */
  stopTimeoutMs?: number
  maxBackoffMs?: number
}

export interface Supervisor {
  readonly state: SupervisorState
  readonly pid: number | undefined
  readonly restarts: number
  readonly lastError: string | undefined
  /** Starts the child; a start cut short by stop() rejects promptly. */
  start(): Promise<void>
  stop(): Promise<void>
  /** Resolves when the child is running again (after a crash); rejects if it is stopped or fails. */
  whenRunning(): Promise<void>
}

/** Starts tried in all when the child loses a port it was given (portTaken). */
const START_ATTEMPTS = 3
/** How long after a child's exit its last output is waited for. */
const OUTPUT_GRACE_MS = 200

export function createSupervisor(init: SupervisorInit): Supervisor {
  const { log } = init
  const readyTimeoutMs = init.readyTimeoutMs ?? 60_000
  const stopTimeoutMs = init.stopTimeoutMs ?? 1500
  const maxBackoffMs = init.maxBackoffMs ?? 30_000
  let state: SupervisorState = 'stopped'
  let child: ChildProcess | undefined
  let restarts = 0
  let lastError: string | undefined
  let backoffMs = 500
  let restartTimer: NodeJS.Timeout | undefined
  let waiters: Array<{ resolve(): void; reject(e: Error): void }> = []
  // Aborted by stop(): a start or restart waiting for readiness gives up at once.
  let stopping = new AbortController()
  let warnedNoLauncher = false
  // Set by launch() when its child exited before ready after saying a port was taken (init.portTaken).
  let portLost = false

  const settleWaiters = (err?: Error) => {
    const list = waiters
    waiters = []
    for (const w of list) {
      if (err) w.reject(err)
      else w.resolve()
    }
  }

  async function launch(): Promise<void> {
    portLost = false
    const { command, args, env, cwd } = await init.prepare()
    // stop() may have come while prepare() ran: it found no child to end, so none may be spawned now.
    if (stopping.signal.aborted) throw new CoreError('SERVICE_UNAVAILABLE', `${init.name} was stopped while starting`)
    log.info('starting', { command, args })
    const launcher = init.launcher && existsSync(init.launcher) ? init.launcher : undefined
    if (!launcher && !warnedNoLauncher) {
      warnedNoLauncher = true
      log.warn(
        'tack-launcher not found: the child is spawned directly and would outlive a kill -9 of Tack (run `bash scripts/build-binaries.sh launcher`)',
      )
    }
    const [file, argv] = launcher
      ? [launcher, ['--parent', String(process.pid), '--', command, ...args]]
      : [command, args]
    const proc = spawnPrivately(() =>
      spawn(file, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true }),
    )
    child = proc
    let fatal: string | undefined
    // This child's own: a late line of an earlier child must not decide about this one.
    let lostPort = false
    const onOutput = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue
        log.info(line)
        const note = init.note?.(line)
        if (note) log.info(note)
        if (init.portTaken?.(line)) lostPort = true
        fatal ??= init.fatal?.(line)
      }
    }
    proc.stdout?.on('data', onOutput)
    proc.stderr?.on('data', onOutput)
    // 'exit' can come before the child's last output is read; what it said (a fatal line, a port taken)
    // decides what happens next, so its output is awaited too, for OUTPUT_GRACE_MS at most.
    const outputRead = Promise.all(
      [proc.stdout, proc.stderr].map((s) => s && new Promise((r) => (s.closed ? r(undefined) : s.once('close', r)))),
    )
    const exited = new Promise<string>((resolve) => {
      proc.once('error', (err) => resolve(`could not run ${command}: ${err.message}`))
      proc.once('exit', (code, signal) => {
        const grace = new Promise((r) => setTimeout(r, OUTPUT_GRACE_MS).unref())
        void Promise.race([outputRead, grace]).then(() => resolve(`exited (code ${code}, signal ${signal})`))
      })
    })
    // What the pid is (start time, executable) goes in too, so the next start can tell our orphan from a
    // process that reused the pid. On Linux the launcher has exec'd by the time the child answers; the
    // identity is written once it is ready (the exe is then the child's), and at spawn as a first guess. Off
    // Linux the pid is tack-launcher's for its whole life, so the one reading at spawn (PowerShell on Windows,
    // awaited, never blocking) is enough. The pid alone is written first so a crash meanwhile still leaves it.
    const record = async () => {
      if (!proc.pid) return
      const id = await identify(proc.pid)
      if (proc.exitCode === null && proc.signalCode === null)
        writeFileSync(init.pidFile, `${proc.pid}\n${command}\n${id ? formatIdentity(id) : ''}\n`)
    }
    if (proc.pid) writeFileSync(init.pidFile, `${proc.pid}\n${command}\n\n`)
    const recorded = record()
    const abort = new AbortController()
    const timeout = setTimeout(() => abort.abort(), readyTimeoutMs)
    const onStop = () => abort.abort()
    stopping.signal.addEventListener('abort', onStop)
    try {
      const outcome = await Promise.race([
        waitReady(init.probe, abort.signal).then(() => undefined),
        exited.then((why) => fatal ?? why),
      ])
      if (outcome !== undefined) {
        portLost = lostPort
        throw new CoreError('SERVICE_UNAVAILABLE', `${init.name} ${outcome}`)
      }
    } catch (err) {
      abort.abort()
      await killChild(proc)
      if (stopping.signal.aborted) throw new CoreError('SERVICE_UNAVAILABLE', `${init.name} was stopped while starting`)
      throw err instanceof CoreError
        ? err
        : new CoreError('SERVICE_UNAVAILABLE', `${init.name} did not become ready in ${readyTimeoutMs} ms`)
    } finally {
      clearTimeout(timeout)
      stopping.signal.removeEventListener('abort', onStop)
    }
    await (process.platform === 'linux' ? recorded.then(record) : recorded)
    void exited.then((why) => onExit(proc, why))
  }

  function onExit(proc: ChildProcess, why: string) {
    if (proc !== child || state === 'stopping' || state === 'stopped') return
    child = undefined
    lastError = why
    log.warn(`crashed: ${why}; restarting in ${backoffMs} ms`)
    state = 'restarting'
    scheduleRestart()
  }

  function scheduleRestart() {
    restartTimer = setTimeout(async () => {
      restartTimer = undefined
      if (state !== 'restarting') return
      try {
        await launch()
        if ((state as SupervisorState) !== 'restarting') return void (await killChild(child))
        restarts++
        state = 'running'
        backoffMs = 500
        log.info('restarted')
        settleWaiters()
      } catch (err) {
        lastError = (err as Error).message
        backoffMs = Math.min(backoffMs * 2, maxBackoffMs)
        log.warn(`restart failed: ${lastError}; next try in ${backoffMs} ms`)
        if (state === 'restarting') scheduleRestart()
      }
    }, backoffMs)
  }

  /** Own shutdown (when asked and ready), then SIGTERM, then SIGKILL: each step waits stopTimeoutMs at most. */
  async function killChild(proc: ChildProcess | undefined, graceful = false): Promise<void> {
    const done = () => !proc || proc.exitCode !== null || proc.signalCode !== null
    if (!proc || done()) return
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    const within = (ms: number) =>
      Promise.race([gone.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref?.())])
    if (graceful && init.shutdown) {
      const asked = init.shutdown(AbortSignal.timeout(stopTimeoutMs)).catch(() => {})
      if (await within(stopTimeoutMs)) return
      await asked
    }
    if (done()) return
    proc.kill('SIGTERM')
    if (await within(stopTimeoutMs)) return
    log.warn(`did not stop within ${stopTimeoutMs} ms of SIGTERM; killing`)
    proc.kill('SIGKILL')
    await within(stopTimeoutMs)
  }

  return {
    get state() {
      return state
    },
    get pid() {
      return child?.pid
    },
    get restarts() {
      return restarts
    },
    get lastError() {
      return lastError
    },
    async start() {
      if (state !== 'stopped' && state !== 'failed') return
      state = 'starting'
      stopping = new AbortController()
      if (init.evictLeftover) await init.evictLeftover(AbortSignal.timeout(5000)).catch(() => {})
      await killOrphan(init.pidFile, log)
      for (let attempt = 1; ; attempt++) {
        try {
          await launch()
          state = 'running'
          return
        } catch (err) {
          if (portLost && attempt < START_ATTEMPTS && !stopping.signal.aborted) {
            log.warn(`start ${attempt} of ${START_ATTEMPTS}: a port was taken before it could listen; trying free ones`)
            continue
          }
          state = 'failed'
          lastError = (err as Error).message
          throw err
        }
      }
    },
    async stop() {
      if (state === 'stopped') return
      const wasRunning = state === 'running'
      state = 'stopping'
      stopping.abort()
      if (restartTimer) clearTimeout(restartTimer)
      await killChild(child, wasRunning)
      child = undefined
      rmSync(init.pidFile, { force: true })
      state = 'stopped'
      settleWaiters(new CoreError('SERVICE_UNAVAILABLE', `${init.name} stopped`))
      log.info('stopped')
    },
    whenRunning() {
      if (state === 'running') return Promise.resolve()
      if (state === 'stopped' || state === 'failed')
        return Promise.reject(new CoreError('SERVICE_UNAVAILABLE', `${init.name} is ${state}`))
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }))
    },
  }
}

/** Polls every 25 ms at first, then less often: Kubo is ready some 0.2 to 0.4 s after its spawn, and a
 *  200 ms poll added 100 ms on average to `tack serve`'s start (a refused connect costs next to nothing). */
const PROBE_INTERVAL_MS = 25
const PROBE_INTERVAL_MAX_MS = 200

/** Polls the probe until it says ready; a probe that throws (connection refused) counts as not yet. */
async function waitReady(probe: (signal: AbortSignal) => Promise<boolean>, signal: AbortSignal): Promise<void> {
  for (let i = 0; ; i++) {
    if (await probe(signal).catch(() => false)) return
    if (signal.aborted) throw new Error('not ready in time')
    const ms = i < 40 ? PROBE_INTERVAL_MS : PROBE_INTERVAL_MAX_MS
    await new Promise((r) => setTimeout(r, ms))
  }
}

/** A child left running by a Tack killed with -9 (spawned without the launcher): it holds the repo lock, so
 *  end it before we start, if the pid file's identity says the live process is that child. */
export async function killOrphan(pidFile: string, log: Logger, check: OrphanCheck = SYSTEM_CHECK): Promise<boolean> {
  let recorded: ProcessIdentity | undefined
  let command = ''
  let pid = 0
  try {
    const [first = '', second = '', third = ''] = readFileSync(pidFile, 'utf8').split('\n')
    pid = Number(first)
    command = second
    recorded = parseIdentity(third)
  } catch {
    return false
  }
  let killed = false
  if (Number.isInteger(pid) && pid > 0 && check.isAlive(pid) && (await check.isOurs(pid, command, recorded))) {
    log.warn(`ending a child left over from a previous run (pid ${pid})`)
    // SIGTERM first: off Linux the pid is tack-launcher's, which passes it on to its child and exits with it.
    check.kill(pid, 'SIGTERM')
    killed = true
    for (let i = 0; i < 30 && check.isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100))
    if (check.isAlive(pid)) check.kill(pid, 'SIGKILL')
    for (let i = 0; i < 20 && check.isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100))
  } else if (Number.isInteger(pid) && pid > 0 && check.isAlive(pid)) {
    log.info(`pid ${pid} from an earlier run is now another process; leaving it alone`)
  }
  rmSync(pidFile, { force: true })
  return killed
}

export interface OrphanCheck {
  isAlive(pid: number): boolean
  /** Whether the live pid is the child that was recorded (not a process that reused the pid). */
  isOurs(pid: number, command: string, recorded: ProcessIdentity | undefined): Promise<boolean>
  kill(pid: number, signal: NodeJS.Signals): void
}

export const SYSTEM_CHECK: OrphanCheck = {
  isAlive,
  isOurs: async (pid, command, recorded) => {
    // An identity that cannot be read (PowerShell timed out) leaves the process alone: killing a stranger is
    // worse than a start that fails on the repo lock and says so.
    if (recorded && recorded.pid === pid) return (await matchProcess(recorded)) === 'same'
    // A pid file of an older Tack (no identity): on Linux the command line must be our binary; elsewhere
    // nothing can be checked, and killing a stranger is worse than a failed start.
    if (process.platform !== 'linux') return false
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === command
    } catch {
      return false
    }
  },
  kill(pid, signal) {
    try {
      process.kill(pid, signal)
    } catch {
      /* already gone */
    }
  },
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
