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

export function installQuitHandler(app: QuittableApp, init: QuitInit): { readonly quitting: boolean } {
  let phase: 'running' | 'stopping' | 'done' = 'running'
  app.on('before-quit', (event) => {
    if (phase === 'done') return
    // Electron would close windows and exit without waiting for our promise: hold it until the core is down.
    event.preventDefault()
    if (phase === 'stopping') return
    phase = 'stopping'
    init.onQuitting?.()
    init.log.info('quitting: stopping the core')
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        init.log.error('the core did not stop in time; exiting anyway')
        resolve()
      }, init.timeoutMs ?? 30_000)
    })
    let code = 0
    void Promise.race([
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
  })
  return {
    get quitting() {
      return phase !== 'running'
    },
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
