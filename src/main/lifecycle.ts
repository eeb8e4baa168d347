// App lifecycle rules that must hold however Tack is quit (menu, tray, Cmd+Q, logout, SIGTERM): the core
// is stopped, and awaited, before the process exits, so Kubo and MinIO never outlive the app. Also what a
// failed start tells the user.
import { isCoreError } from './core/errors.js'

export interface QuitInit {
  /** Stops the core (and anything else holding child processes). */
  stop: () => Promise<void>
  /** Called once, when quitting starts: the window stops hiding itself on close. */
  onQuitting?: () => void
  log: { info(msg: string): void; error(msg: string, fields?: Record<string, unknown>): void }
  /**
   * A last resort if stop() hangs. The supervisors already escalate to SIGKILL well before this, so it
   * only bounds a wedged shutdown; the pid files let the next start clean up after it.
   */
  timeoutMs?: number
}

export interface QuittableApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown
  exit(code: number): void
}

export interface QuitHandle {
  /** True once quitting started, by any path: the window stops hiding itself on close. */
  readonly quitting: boolean
  /**
   * Stops the core (once, however many paths ask) and then exits. For the paths that are not Electron's own
   * quit: OS shutdown, logout, session end, signals, an installer closing Tack. `systemEnding` marks the
   * OS ending the session, for the macOS rule in before-quit.
   */
  stopAndExit(reason: string, options?: { systemEnding?: boolean }): Promise<void>
}

export function installQuitHandler(app: QuittableApp, init: QuitInit & { platform?: NodeJS.Platform }): QuitHandle {
  let phase: 'running' | 'stopping' | 'done' = 'running'
  let systemEnding = false
  let stopped: Promise<void> | undefined
  const stopAndExit = (reason: string, options: { systemEnding?: boolean } = {}): Promise<void> => {
    if (options.systemEnding) systemEnding = true
    if (stopped) return stopped
    phase = 'stopping'
    init.onQuitting?.()
    init.log.info(`quitting (${reason}): stopping the core`)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        init.log.error('the core did not stop in time; exiting anyway')
        resolve()
      }, init.timeoutMs ?? 30_000)
    })
    let code = 0
    stopped = Promise.race([
      init.stop().catch((err: unknown) => {
        code = 1
        init.log.error('stopping the core failed', { error: String(err) })
      }),
      timeout,
    ]).finally(() => {
      clearTimeout(timer)
      phase = 'done'
      app.exit(code)
    })
    return stopped
  }
  app.on('before-quit', (event) => {
    if (phase === 'done') return
    // macOS asks every app to quit while it restarts or logs out; an app that holds its quit (preventDefault)
    // answers "cancel" and interrupts the restart. The stop already runs (started at powerMonitor 'shutdown'),
    // so let the OS have its answer; the supervisors' kill order and tack-launcher end the children.
    if (systemEnding && init.platform === 'darwin') {
      void stopAndExit('the system is ending the session')
      return
    }
    // Electron would close windows and exit without waiting for our promise: hold it until the core is down.
    event.preventDefault()
    void stopAndExit('quit requested')
  })
  return {
    get quitting() {
      return phase !== 'running'
    },
    stopAndExit,
  }
}

export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean
  on(event: 'second-instance', listener: (event: unknown, argv: string[], cwd: string) => void): unknown
}

/** True if this is the only Tack; a second launch focuses the first (and hands over its file arguments). */
export function claimSingleInstance(app: SingleInstanceApp, onSecond: (argv: string[], cwd: string) => void): boolean {
  if (!app.requestSingleInstanceLock()) return false
  app.on('second-instance', (_event, argv, cwd) => onSecond(argv, cwd))
  return true
}

export interface StartFailure {
  title: string
  message: string
  detail: string
}

/** What to tell the user when the core cannot start: what happened and what to do about it. */
export function describeStartError(
  err: unknown,
  ctx: { port: number; dataDir: string; logPath: string },
): StartFailure {
  const text = err instanceof Error ? err.message : String(err)
  const code = (err as { code?: unknown } | null)?.code
  const seeLog = `Details are in the log: ${ctx.logPath}`
  if (code === 'EADDRINUSE')
    return {
      title: 'Tack could not start',
      message: `Port ${ctx.port} is already in use.`,
      detail: `Another program (perhaps \`tack serve\` or another copy of Tack) listens on port ${ctx.port}. Quit it, or start Tack with TACK_PORT set to a free port.\n\n${seeLog}`,
    }
  if (isCoreError(err, 'CONFLICT'))
    return {
      title: 'Tack is already running',
      message: 'Another Tack is using this data folder.',
      detail: `Quit the other Tack (its tray icon, or \`tack status\` for a server) and open Tack again.\nData folder: ${ctx.dataDir}\n\n${seeLog}`,
    }
  // Kubo reports its repo lock only in its output, so this one is matched by text.
  if (/someone else has the lock|cannot acquire lock|repo\.lock/i.test(text))
    return {
      title: 'Tack could not start',
      message: "Tack's IPFS repository is locked by another IPFS program.",
      detail: `Stop the other IPFS daemon using ${ctx.dataDir}, then open Tack again.\n\n${seeLog}`,
    }
  if ((isCoreError(err, 'SERVICE_UNAVAILABLE') && /binary/i.test(text)) || code === 'ENOENT')
    return {
      title: 'Tack is incomplete',
      message: 'A program Tack needs (Kubo or MinIO) is missing.',
      detail: `Reinstall Tack. (From source: run \`bash scripts/build-binaries.sh\`.)\n${text}\n\n${seeLog}`,
    }
  return { title: 'Tack could not start', message: text, detail: seeLog }
}

/**
 * Requests to show the window (a second launch, a notification click, the Dock icon) that arrive before the
 * core runs and the app:// page can load are kept, and honoured once it can: never dropped.
 */
export function createRevealQueue(init: { ready: () => boolean; reveal: () => void }): {
  request(): void
  /** Call when readiness may have changed (the shell finished starting, the core is running again). */
  flush(): void
  readonly pending: boolean
} {
  let wanted = false
  const flush = () => {
    if (!wanted || !init.ready()) return
    wanted = false
    init.reveal()
  }
  return {
    request() {
      wanted = true
      flush()
    },
    flush,
    get pending() {
      return wanted
    },
  }
}
