// The one window, hardened: sandboxed renderer without Node, the page loaded from the app's own files,
// navigation and new windows refused (http(s) links go to the user's browser instead), and every permission
// the page could ask for denied except the few the UI needs. Closing it hides it: Tack keeps running in
// the tray until the user quits.
import type { BrowserWindowConstructorOptions } from 'electron'
import { isAppUrl } from './protocol.js'

/** Permissions the renderer may use (copying a link to the clipboard); everything else is refused. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write'])

export function windowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1100,
    height: 760,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Tack',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  }
}

export function isExternalHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}

/** The pages the window may show: the app itself, or Vite's dev server while developing. */
export function appPageMatcher(devServerUrl?: string): (url: string) => boolean {
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined
  return (url) => {
    if (isAppUrl(url)) return true
    if (!devOrigin) return false
    try {
      return new URL(url).origin === devOrigin
    } catch {
      return false
    }
  }
}

/** How long after a click or key press the page may open a link in the browser (Chromium's transient activation). */
export const GESTURE_WINDOW_MS = 5000
// Input that counts as the user asking for something; mouse moves, wheels and key releases do not.
const GESTURE_INPUTS: ReadonlySet<string> = new Set([
  'mouseDown',
  'mouseUp',
  'keyDown',
  'rawKeyDown',
  'char',
  'gestureTap',
  'touchEnd',
])

export interface GestureClock {
  note(inputType: string): void
  /** True within GESTURE_WINDOW_MS of the user's last click, tap or key press in the window. */
  active(): boolean
}

/**
 * The user's gestures as main sees them: webContents' 'input-event' comes from the browser process, so a
 * page (or a compromised renderer) cannot fake one. Navigations and window.open carry no gesture flag in
 * Electron, and the renderer's own navigator.userActivation is the renderer's word: this clock is main's.
 */
export function createGestureClock(now: () => number = Date.now): GestureClock {
  let last = Number.NEGATIVE_INFINITY
  return {
    note: (type) => {
      if (GESTURE_INPUTS.has(type)) last = now()
    },
    active: () => now() - last <= GESTURE_WINDOW_MS,
  }
}

// The slices of Electron the guards touch, so tests hand in small fakes.
interface GuardEvent {
  url: string
  preventDefault(): void
}
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: GuardEvent) => void): unknown
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown
  on(event: 'input-event', listener: (event: unknown, input: { type: string }) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string; disposition: string }) => { action: 'deny' }): void
}
export interface GuardedSession {
  setPermissionRequestHandler(
    handler: (contents: { getURL(): string } | null, permission: string, callback: (granted: boolean) => void) => void,
  ): void
  setPermissionCheckHandler(handler: (contents: { getURL(): string } | null, permission: string) => boolean): void
}
export interface GuardInit {
  isAppPage: (url: string) => boolean
  openExternal: (url: string) => Promise<void>
  /** The user's gestures in this window; links reach the browser only right after one. */
  gestures: GestureClock
  log: { warn(msg: string, fields?: Record<string, unknown>): void }
}

export function installNavigationGuards(contents: GuardedContents, init: GuardInit): void {
  const guard = (event: GuardEvent) => {
    if (init.isAppPage(event.url)) return
    event.preventDefault()
    init.log.warn('blocked navigation', { url: event.url })
  }
  // Only what the user just asked for goes to the browser: a script looping over links opens nothing.
  const toBrowser = (url: string, what: string) => {
    if (!isExternalHttpUrl(url)) return
    if (!init.gestures.active()) return init.log.warn(`${what} without a user gesture: not opened`, { url })
    void init.openExternal(url).catch(() => {})
  }
  contents.on('input-event', (_event, input) => init.gestures.note(input.type))
  contents.on('will-navigate', (event) => {
    guard(event)
    // A plain link to the web (no target) was clicked: show it where the user browses.
    if (!init.isAppPage(event.url)) toBrowser(event.url, 'navigation')
  })
  contents.on('will-redirect', guard)
  contents.on('will-frame-navigate', guard)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url, disposition }) => {
    // target=_blank links arrive as tabs; a scripted popup with window features ('new-window') is refused.
    if (isExternalHttpUrl(url) && disposition !== 'new-window') toBrowser(url, 'window.open')
    else init.log.warn('blocked window.open', { url, disposition })
    return { action: 'deny' }
  })
}

export function installPermissionGuards(session: GuardedSession, isAppPage: (url: string) => boolean): void {
  const allowed = (contents: { getURL(): string } | null, permission: string) =>
    ALLOWED_PERMISSIONS.has(permission) && contents !== null && isAppPage(contents.getURL())
  session.setPermissionRequestHandler((contents, permission, callback) => callback(allowed(contents, permission)))
  session.setPermissionCheckHandler((contents, permission) => allowed(contents, permission))
}

export interface WindowLike {
  readonly webContents: GuardedContents & {
    loadURL(url: string): Promise<void>
    on(event: 'will-prevent-unload', listener: (event: { preventDefault(): void }) => void): unknown
  }
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown
  once(event: 'ready-to-show', listener: () => void): unknown
  show(): void
  hide(): void
  focus(): void
  isMinimized(): boolean
  restore(): void
  isDestroyed(): boolean
}

export interface MainWindowInit<W extends WindowLike> extends GuardInit {
  create: (options: BrowserWindowConstructorOptions) => W
  preload: string
  /** What to load: the app entry, or the dev server's URL. */
  entryUrl: string
  /** True once the user asked to quit: only then does closing the window really close it. */
  quitting: () => boolean
  /**
   * The page refused to unload (a reload while its uploads run: its beforeunload guard): asks the user, true
   * to leave anyway. Electron shows no prompt of its own and would otherwise keep the page without a word.
   */
  confirmLeave: () => boolean
}

export function createMainWindow<W extends WindowLike>(init: MainWindowInit<W>): W {
  if (!init.isAppPage(init.entryUrl)) throw new Error(`refusing to load ${init.entryUrl}: not the app's own page`)
  const win = init.create(windowOptions(init.preload))
  installNavigationGuards(win.webContents, init)
  win.once('ready-to-show', () => win.show())
  win.on('close', (event) => {
    if (init.quitting()) return
    event.preventDefault()
    win.hide()
  })
  win.webContents.on('will-prevent-unload', (event) => {
    // preventDefault here ignores the page's refusal: the page goes.
    if (init.confirmLeave()) event.preventDefault()
  })
  void win.webContents.loadURL(init.entryUrl)
  return win
}

/** Brings the window back from the tray, the taskbar or a minimised state. */
export function revealWindow(win: WindowLike | undefined): void {
  if (!win || win.isDestroyed()) return
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
}
