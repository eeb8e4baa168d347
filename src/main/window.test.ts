import type { BrowserWindowConstructorOptions } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { APP_ENTRY } from './protocol.js'
import {
  appPageMatcher,
  createGestureClock,
  createMainWindow,
  GESTURE_WINDOW_MS,
  installNavigationGuards,
  installPermissionGuards,
  windowOptions,
  type GuardedContents,
  type GuardedSession,
  type WindowLike,
} from './window.js'

// A stand-in for webContents: records listeners so the test can fire events at them.
function fakeContents() {
  const listeners = new Map<string, (event: never) => void>()
  let openHandler: ((d: { url: string; disposition: string }) => { action: 'deny' }) | undefined
  const contents = {
    on: (name: string, listener: (event: never, input?: never) => void) => listeners.set(name, listener),
    setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
    loadURL: vi.fn(async () => {}),
  }
  const input = (type: string) =>
    (listeners.get('input-event') as unknown as (e: unknown, i: { type: string }) => void)({}, { type })
  const fire = (name: string, url: string) => {
    const event = { url, preventDefault: vi.fn() }
    listeners.get(name)!(event as never)
    return event.preventDefault.mock.calls.length > 0
  }
  return {
    contents: contents as unknown as GuardedContents & { loadURL: typeof contents.loadURL },
    fire,
    input,
    open: (url: string, disposition = 'foreground-tab') => openHandler!({ url, disposition }),
  }
}

const quiet = { warn: () => {} }

describe('window options', () => {
  it('runs the renderer sandboxed, isolated and without Node', () => {
    const prefs = windowOptions('/app/preload.cjs').webPreferences!
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    })
    expect(prefs.preload).toBe('/app/preload.cjs')
    expect(prefs.allowRunningInsecureContent).toBe(false)
  })
})

describe('navigation guards', () => {
  const setup = (dev?: string) => {
    const f = fakeContents()
    const openExternal = vi.fn(async () => {})
    const clock = { t: 1_000_000 }
    const gestures = createGestureClock(() => clock.t)
    installNavigationGuards(f.contents, { isAppPage: appPageMatcher(dev), openExternal, gestures, log: quiet })
    return { ...f, openExternal, clock, gestures }
  }

  it('lets the app navigate within itself only', () => {
    const { fire } = setup()
    expect(fire('will-navigate', 'app://tack/index.html#/pins')).toBe(false)
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(fire('will-redirect', 'https://evil.example/')).toBe(true)
    expect(fire('will-frame-navigate', 'http://127.0.0.1:5001/webui')).toBe(true)
  })

  it('sends a clicked web link to the browser instead of navigating', () => {
    const { fire, openExternal, input } = setup()
    input('mouseDown')
    expect(fire('will-navigate', 'https://docs.ipfs.tech/')).toBe(true)
    expect(openExternal).toHaveBeenCalledWith('https://docs.ipfs.tech/')
    fire('will-navigate', 'file:///etc/passwd')
    fire('will-navigate', 'javascript:alert(1)')
    expect(openExternal).toHaveBeenCalledTimes(1)
  })

  it('opens nothing in the browser without a user gesture, or after it has expired', () => {
    const { fire, open, openExternal, input, clock } = setup()
    // A script navigating or calling window.open on its own: blocked, and the browser stays closed.
    expect(fire('will-navigate', 'https://ads.example/')).toBe(true)
    expect(open('https://popup.example/')).toEqual({ action: 'deny' })
    // Mouse moves and wheels are not gestures.
    input('mouseMove')
    input('mouseWheel')
    expect(open('https://popup.example/')).toEqual({ action: 'deny' })
    expect(openExternal).not.toHaveBeenCalled()
    input('keyDown')
    clock.t += GESTURE_WINDOW_MS + 1
    open('https://late.example/')
    expect(openExternal).not.toHaveBeenCalled()
    input('mouseUp')
    open('https://clicked.example/')
    expect(openExternal).toHaveBeenCalledWith('https://clicked.example/')
  })

  it('allows the dev server only when one is given', () => {
    expect(setup('http://localhost:5173').fire('will-navigate', 'http://localhost:5173/#/x')).toBe(false)
    expect(setup().fire('will-navigate', 'http://localhost:5173/#/x')).toBe(true)
  })

  it('denies every window.open, opening http(s) links externally after a click', () => {
    const { open, openExternal, input } = setup()
    input('mouseDown')
    expect(open('https://ipfs.io/ipfs/bafy')).toEqual({ action: 'deny' })
    expect(openExternal).toHaveBeenCalledWith('https://ipfs.io/ipfs/bafy')
    expect(open('app://tack/index.html')).toEqual({ action: 'deny' })
    expect(open('file:///home/me/secret')).toEqual({ action: 'deny' })
    expect(open('smb://host/share')).toEqual({ action: 'deny' })
    expect(open('https://popup.example/', 'new-window')).toEqual({ action: 'deny' })
    expect(openExternal).toHaveBeenCalledTimes(1)
  })
})

describe('permission guards', () => {
  const setup = () => {
    let request: Parameters<GuardedSession['setPermissionRequestHandler']>[0] | undefined
    let check: Parameters<GuardedSession['setPermissionCheckHandler']>[0] | undefined
    installPermissionGuards(
      { setPermissionRequestHandler: (h) => (request = h), setPermissionCheckHandler: (h) => (check = h) },
      appPageMatcher(),
    )
    const ask = (permission: string, url = 'app://tack/index.html') => {
      let granted: boolean | undefined
      request!({ getURL: () => url }, permission, (g) => (granted = g))
      return granted
    }
    return {
      ask,
      check: (permission: string, url = 'app://tack/index.html') => check!({ getURL: () => url }, permission),
    }
  }

  it('denies everything the UI does not need', () => {
    const { ask, check } = setup()
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'fullscreen', 'midi', 'hid', 'serial'])
      expect(ask(p)).toBe(false)
    expect(check('media')).toBe(false)
  })

  it('grants clipboard writes to the app page only', () => {
    const { ask, check } = setup()
    expect(ask('clipboard-sanitized-write')).toBe(true)
    expect(check('clipboard-sanitized-write')).toBe(true)
    expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false)
  })
})

describe('main window', () => {
  const fakeWindow = () => {
    const f = fakeContents()
    const handlers = new Map<string, (e: { preventDefault(): void }) => void>()
    const win = {
      webContents: f.contents,
      on: (name: string, l: (e: { preventDefault(): void }) => void) => handlers.set(name, l),
      once: (name: string, l: () => void) => handlers.set(name, l),
      show: vi.fn(),
      hide: vi.fn(),
      focus: vi.fn(),
      isMinimized: () => false,
      restore: vi.fn(),
      isDestroyed: () => false,
    }
    return { win: win as typeof win & WindowLike, handlers, f }
  }

  it('loads the app entry and hides instead of closing until quitting', () => {
    const { win, handlers, f } = fakeWindow()
    let quitting = false
    let leave = false
    const create = vi.fn((_options: BrowserWindowConstructorOptions) => win)
    createMainWindow({
      create,
      preload: '/p.cjs',
      entryUrl: APP_ENTRY,
      quitting: () => quitting,
      confirmLeave: () => leave,
      isAppPage: appPageMatcher(),
      openExternal: async () => {},
      gestures: createGestureClock(),
      log: quiet,
    })
    expect(create.mock.calls[0]![0]!.webPreferences!.sandbox).toBe(true)
    expect(win.webContents.loadURL).toHaveBeenCalledWith(APP_ENTRY)
    const close = { preventDefault: vi.fn() }
    handlers.get('close')!(close)
    expect(close.preventDefault).toHaveBeenCalled()
    expect(win.hide).toHaveBeenCalled()
    quitting = true
    const finalClose = { preventDefault: vi.fn() }
    handlers.get('close')!(finalClose)
    expect(finalClose.preventDefault).not.toHaveBeenCalled()
    // The page refusing to unload (uploads running) asks the user; only "Leave anyway" overrides it.
    expect(f.fire('will-prevent-unload', '')).toBe(false)
    leave = true
    expect(f.fire('will-prevent-unload', '')).toBe(true)
  })

  it('refuses to load a remote page', () => {
    const { win } = fakeWindow()
    expect(() =>
      createMainWindow({
        create: () => win,
        preload: '/p.cjs',
        entryUrl: 'https://tack.example/',
        quitting: () => false,
        confirmLeave: () => false,
        isAppPage: appPageMatcher(),
        openExternal: async () => {},
        gestures: createGestureClock(),
        log: quiet,
      }),
    ).toThrow(/refusing/)
  })
})
