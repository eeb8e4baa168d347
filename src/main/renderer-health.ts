// The window's renderer can crash (a GPU or memory fault, the OS killing it) or hang (a runaway script).
// Without a handler Electron leaves a blank window, or a frozen one, with no word. A crash is logged and the
// page reloaded, a few times at most (a page that crashes as it loads would otherwise loop); a hang asks the
// user whether to wait or reload.

export interface GoneDetails {
  reason: string
  exitCode?: number
}

export interface HealthWindow {
  webContents: {
    on(event: 'render-process-gone', listener: (event: unknown, details: GoneDetails) => void): unknown
    reload(): void
    forcefullyCrashRenderer(): void
  }
  on(event: 'unresponsive' | 'responsive', listener: () => void): unknown
  isDestroyed(): boolean
}

export interface RendererHealthInit {
  /** The user's answer when the window hangs (main's own dialog). */
  askWhenHung: () => Promise<'wait' | 'reload'>
  /** Called once reloads stop: the crashes came too fast. */
  onGiveUp: (details: GoneDetails) => void
  log: {
    warn(msg: string, fields?: Record<string, unknown>): void
    error(msg: string, fields?: Record<string, unknown>): void
  }
  maxReloads?: number
  /** The period over which maxReloads counts. */
  periodMs?: number
  now?: () => number
}

export const MAX_RELOADS = 3
export const RELOAD_PERIOD_MS = 60_000

export function watchRendererHealth(win: HealthWindow, init: RendererHealthInit): void {
  const now = init.now ?? Date.now
  const max = init.maxReloads ?? MAX_RELOADS
  const period = init.periodMs ?? RELOAD_PERIOD_MS
  let reloads: number[] = []
  let asking = false
  let hung = false
  // Our own forced crash of a hung renderer is followed by its 'render-process-gone': not a crash to count.
  let killedByUs = false

  win.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit' || win.isDestroyed()) return
    if (killedByUs) {
      killedByUs = false
      return
    }
    init.log.error("the window's renderer is gone", { reason: details.reason, exitCode: details.exitCode })
    reloads = reloads.filter((at) => now() - at < period)
    if (reloads.length >= max) {
      init.log.error('the window keeps crashing: not reloading it again', { reloads: reloads.length })
      return init.onGiveUp(details)
    }
    reloads.push(now())
    win.webContents.reload()
  })
  win.on('responsive', () => (hung = false))
  win.on('unresponsive', () => {
    hung = true
    if (asking) return
    asking = true
    init.log.warn('the window is not responding')
    void init
      .askWhenHung()
      .then((answer) => {
        // It may have come back while the question was open: then there is nothing to reload.
        if (answer !== 'reload' || !hung || win.isDestroyed()) return
        killedByUs = true
        win.webContents.forcefullyCrashRenderer()
        win.webContents.reload()
      })
      .finally(() => (asking = false))
  })
}
