// The one shape every child process of Tack has (Kubo, MinIO): spawn with args and env, wait until a
// ready check passes, log its output under its own name, notice a crash and restart it with backoff, and
// stop it gracefully (SIGTERM, a timeout, then SIGKILL). A pid file lets the next start kill a child that
// was orphaned when Tack itself was killed with -9, so nothing holds the data dir against us.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { CoreError } from '../errors.js'
import type { Logger } from '../log.js'

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
  readyTimeoutMs?: number
  stopTimeoutMs?: number
  maxBackoffMs?: number
}

export interface Supervisor {
  readonly state: SupervisorState
  readonly pid: number | undefined
  readonly restarts: number
  readonly lastError: string | undefined
  start(): Promise<void>
  stop(): Promise<void>
  /** Resolves when the child is running again (after a crash); rejects if it is stopped or fails. */
  whenRunning(): Promise<void>
}

export function createSupervisor(init: SupervisorInit): Supervisor {
  const { log } = init
  const readyTimeoutMs = init.readyTimeoutMs ?? 60_000
  const stopTimeoutMs = init.stopTimeoutMs ?? 10_000
  const maxBackoffMs = init.maxBackoffMs ?? 30_000
  let state: SupervisorState = 'stopped'
  let child: ChildProcess | undefined
  let restarts = 0
  let lastError: string | undefined
  let backoffMs = 500
  let restartTimer: NodeJS.Timeout | undefined
  let waiters: Array<{ resolve(): void; reject(e: Error): void }> = []

  const settleWaiters = (err?: Error) => {
    const list = waiters
    waiters = []
    for (const w of list) {
      if (err) w.reject(err)
      else w.resolve()
    }
  }

  async function launch(): Promise<void> {
    const { command, args, env, cwd } = await init.prepare()
    log.info('starting', { command, args })
    const proc = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    child = proc
    let fatal: string | undefined
    const onOutput = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue
        log.info(line)
        fatal ??= init.fatal?.(line)
      }
    }
    proc.stdout?.on('data', onOutput)
    proc.stderr?.on('data', onOutput)
    const exited = new Promise<string>((resolve) => {
      proc.once('error', (err) => resolve(`could not run ${command}: ${err.message}`))
      proc.once('exit', (code, signal) => resolve(`exited (code ${code}, signal ${signal})`))
    })
    // The command goes in too, so the next start can tell our orphan from a process that reused the pid.
    if (proc.pid) writeFileSync(init.pidFile, `${proc.pid}\n${command}\n`)
    const abort = new AbortController()
    const timeout = setTimeout(() => abort.abort(), readyTimeoutMs)
    try {
      const outcome = await Promise.race([
        waitReady(init.probe, abort.signal).then(() => undefined),
        exited.then((why) => fatal ?? why),
      ])
      if (outcome !== undefined) throw new CoreError('SERVICE_UNAVAILABLE', `${init.name} ${outcome}`)
    } catch (err) {
      abort.abort()
      await killChild(proc)
      throw err instanceof CoreError
        ? err
        : new CoreError('SERVICE_UNAVAILABLE', `${init.name} did not become ready in ${readyTimeoutMs} ms`)
    } finally {
      clearTimeout(timeout)
    }
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

  async function killChild(proc: ChildProcess | undefined): Promise<void> {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    proc.kill('SIGTERM')
    const timer = setTimeout(() => {
      log.warn(`did not stop within ${stopTimeoutMs} ms; killing`)
      proc.kill('SIGKILL')
    }, stopTimeoutMs)
    await gone
    clearTimeout(timer)
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
      await killOrphan(init.pidFile, log)
      try {
        await launch()
        state = 'running'
      } catch (err) {
        state = 'failed'
        lastError = (err as Error).message
        throw err
      }
    },
    async stop() {
      if (state === 'stopped') return
      state = 'stopping'
      if (restartTimer) clearTimeout(restartTimer)
      await killChild(child)
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

const PROBE_INTERVAL_MS = 200

/** Polls the probe until it says ready; a probe that throws (connection refused) counts as not yet. */
async function waitReady(probe: (signal: AbortSignal) => Promise<boolean>, signal: AbortSignal): Promise<void> {
  for (;;) {
    if (await probe(signal).catch(() => false)) return
    if (signal.aborted) throw new Error('not ready in time')
    await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS))
  }
}

/** A child left running by a Tack that was killed -9: it holds the repo lock, so end it before we start. */
async function killOrphan(pidFile: string, log: Logger): Promise<void> {
  let pid: number
  let command: string
  try {
    const [first = '', second = ''] = readFileSync(pidFile, 'utf8').split('\n')
    pid = Number(first)
    command = second
  } catch {
    return
  }
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && looksLike(pid, command)) {
    log.warn(`killing a child left over from a previous run (pid ${pid})`)
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      /* already gone */
    }
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100))
  }
  rmSync(pidFile, { force: true })
}

/** Guards against a recycled pid: on Linux the process must be running our binary. */
function looksLike(pid: number, command: string): boolean {
  if (process.platform !== 'linux') return true
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === command
  } catch {
    return false
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
