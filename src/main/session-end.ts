// The OS ending Tack's session: shutdown, restart, logout, an installer or `taskkill` closing it, a signal.
// None of these goes through a user's quit on every platform (Windows emits no before-quit at shutdown), so
// each is caught where that OS reports it and led to the same place: stop the core, awaited, then exit.
//   Linux, macOS: powerMonitor 'shutdown' (on Linux it holds logind's delay lock while we stop).
//   Windows: WM_QUERYENDSESSION / WM_ENDSESSION reach windows only, and Tack may have none (started hidden
//            at login, or the window closed to the tray): a hidden window that always exists receives them,
//            and a WM_CLOSE sent to it (installers, taskkill without /f) means "quit".
//   POSIX signals (systemd at logout, kill, Ctrl+C in a terminal): the same clean stop.
import type { QuitHandle } from './lifecycle.js'

interface PreventableEvent {
  preventDefault(): void
}

export interface PowerMonitorLike {
  // Electron passes an event with preventDefault (documented), though its typings declare no argument.
  on(event: 'shutdown', listener: (event?: PreventableEvent) => void): unknown
}

export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown
}

export interface SessionWindowLike {
  on(
    event: 'query-session-end' | 'session-end',
    listener: (event: PreventableEvent & { reasons?: string[] }) => void,
  ): unknown
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown
}

export interface SystemEndInit {
  platform: NodeJS.Platform
  powerMonitor: PowerMonitorLike
  signals: SignalSource
  /** Windows only: makes the hidden window that receives session-end messages. */
  createSessionWindow: () => SessionWindowLike
  quit: Pick<QuitHandle, 'stopAndExit' | 'quitting'>
  log: { info(msg: string, fields?: Record<string, unknown>): void }
}

/** Options for the hidden session window (Windows): never shown, no page, no taskbar entry. */
export const SESSION_WINDOW_OPTIONS = {
  show: false,
  width: 1,
  height: 1,
  skipTaskbar: true,
  focusable: false,
  title: 'Tack',
  webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false },
} as const

export function installSystemEndHandlers(init: SystemEndInit): { sessionWindow?: SessionWindowLike } {
  const { quit, log } = init
  const systemEnd = (reason: string) => void quit.stopAndExit(reason, { systemEnding: true })

  if (init.platform === 'linux' || init.platform === 'darwin') {
    init.powerMonitor.on('shutdown', (event) => {
      // Electron then delays the shutdown (Linux: logind's delay lock) until we exit, which we do once stopped.
      event?.preventDefault()
      systemEnd('the system is shutting down or logging out')
    })
  }
  if (init.platform !== 'win32') {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
      init.signals.on(signal, () => void quit.stopAndExit(`received ${signal}`))
  }
  if (init.platform !== 'win32') return {}

  const sessionWindow = init.createSessionWindow()
  sessionWindow.on('query-session-end', (event) => {
    // Holding the answer keeps Windows waiting while Kubo shuts down (Windows lists Tack as "closing
    // apps"); exiting lets the shutdown carry on by itself.
    event.preventDefault()
    log.info('Windows is ending the session', { reasons: event.reasons })
    systemEnd('Windows is ending the session')
  })
  // Reached only if the query was answered without us (a forced shutdown): start the stop; Windows may end
  // the process at any moment after this returns.
  sessionWindow.on('session-end', () => systemEnd('Windows ended the session'))
  sessionWindow.on('close', (event) => {
    if (quit.quitting) return
    event.preventDefault()
    void quit.stopAndExit('closed by another program (an installer or taskkill)')
  })
  return { sessionWindow }
}
