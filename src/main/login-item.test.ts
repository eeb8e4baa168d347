import { describe, expect, it, vi } from 'vitest'
import {
  autostartFile,
  getOpenAtLogin,
  setOpenAtLogin,
  startedAtLogin,
  type LoginItemApp,
  type LoginItemState,
} from './login-item.js'

// A stand-in for Electron's login items that behaves like the OS: what was set is what is read back, with
// Windows matching the arguments too.
function fakeApp(packaged = true) {
  let item: { openAtLogin: boolean; args?: string[] } = { openAtLogin: false }
  const app = {
    isPackaged: packaged,
    setLoginItemSettings: vi.fn((s: { openAtLogin: boolean; args?: string[] }) => void (item = s)),
    getLoginItemSettings: vi.fn((o?: { args?: string[] }) => ({
      openAtLogin: item.openAtLogin && JSON.stringify(o?.args ?? []) === JSON.stringify(item.args ?? []),
      wasOpenedAtLogin: false,
    })),
  } satisfies LoginItemApp
  return { app, removeInSettings: () => (item = { openAtLogin: false }) }
}
function fakeFs() {
  const files = new Map<string, string>()
  return {
    files,
    fs: {
      exists: (f: string) => files.has(f),
      read: (f: string) => files.get(f)!,
      write: (f: string, t: string) => void files.set(f, t),
      remove: (f: string) => void files.delete(f),
    },
  }
}
const log = { info: () => {} }
const ctx = (platform: NodeJS.Platform, fs = fakeFs().fs) => ({
  platform,
  env: { XDG_CONFIG_HOME: '/home/me/.config' },
  execPath: '/opt/Tack/tack',
  log,
  fs,
})

describe('open at login', () => {
  it('macOS: registers without arguments and reads the state back from the OS', () => {
    const { app, removeInSettings } = fakeApp()
    setOpenAtLogin(app, true, ctx('darwin'))
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true })
    expect(getOpenAtLogin(app, ctx('darwin'))).toBe(true)
    removeInSettings()
    expect(getOpenAtLogin(app, ctx('darwin'))).toBe(false)
  })

  it('Windows: registers with --hidden and asks about that exact entry', () => {
    const { app } = fakeApp()
    setOpenAtLogin(app, true, ctx('win32'))
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: ['--hidden'] })
    expect(getOpenAtLogin(app, ctx('win32'))).toBe(true)
    expect(app.getLoginItemSettings).toHaveBeenCalledWith({ args: ['--hidden'] })
    setOpenAtLogin(app, false, ctx('win32'))
    expect(getOpenAtLogin(app, ctx('win32'))).toBe(false)
  })

  it('Windows: an entry disabled in Task Manager (StartupApproved\\Run) reads as off', () => {
    // Electron's report for a Run-key entry that Task Manager switched off: openAtLogin stays true.
    const state = (enabled: boolean, will = enabled): LoginItemState => ({
      openAtLogin: true,
      executableWillLaunchAtLogin: will,
      launchItems: [{ path: 'C:\\Tack\\Tack.exe', args: ['--hidden'], enabled }],
    })
    const app = { isPackaged: true, setLoginItemSettings: vi.fn(), getLoginItemSettings: vi.fn(() => state(true)) }
    const win = { ...ctx('win32'), execPath: 'C:\\Tack\\Tack.exe' }
    expect(getOpenAtLogin(app, win)).toBe(true)
    app.getLoginItemSettings.mockReturnValue(state(false))
    expect(getOpenAtLogin(app, win)).toBe(false)
    // Either signal alone is enough: the executable's approval, or Tack's own entry (path case and quotes aside).
    app.getLoginItemSettings.mockReturnValue(state(true, false))
    expect(getOpenAtLogin(app, win)).toBe(false)
    app.getLoginItemSettings.mockReturnValue({
      ...state(false, true),
      launchItems: [{ path: '"c:\\tack\\tack.exe"', args: ['--hidden'], enabled: false }],
    })
    expect(getOpenAtLogin(app, win)).toBe(false)
    // Another program's disabled entry does not switch Tack's off.
    app.getLoginItemSettings.mockReturnValue({
      ...state(true),
      launchItems: [{ path: 'C:\\Other\\other.exe', args: [], enabled: false }],
    })
    expect(getOpenAtLogin(app, win)).toBe(true)
  })

  it('Linux: an autostart entry, read back, and switched off by the session settings', () => {
    const { app } = fakeApp()
    const { fs, files } = fakeFs()
    const file = autostartFile({ XDG_CONFIG_HOME: '/home/me/.config' })
    expect(getOpenAtLogin(app, ctx('linux', fs))).toBe(false)
    setOpenAtLogin(app, true, {
      ...ctx('linux', fs),
      env: { XDG_CONFIG_HOME: '/home/me/.config', APPIMAGE: '/a b/Tack.AppImage' },
    })
    expect(files.get(file)).toContain('Exec="/a b/Tack.AppImage" --hidden')
    expect(getOpenAtLogin(app, ctx('linux', fs))).toBe(true)
    files.set(file, files.get(file)! + 'Hidden=true\n')
    expect(getOpenAtLogin(app, ctx('linux', fs))).toBe(false)
    setOpenAtLogin(app, false, ctx('linux', fs))
    expect(files.has(file)).toBe(false)
  })

  it('development: nothing registered, nothing read (the saved choice stands)', () => {
    const { app } = fakeApp(false)
    setOpenAtLogin(app, true, ctx('darwin'))
    expect(app.setLoginItemSettings).not.toHaveBeenCalled()
    expect(getOpenAtLogin(app, ctx('darwin'))).toBeUndefined()
  })

  it('stays in the tray when the OS opened Tack at login, on every platform', () => {
    const { app } = fakeApp()
    expect(startedAtLogin(app, { platform: 'win32' }, ['tack.exe', '--hidden'])).toBe(true)
    expect(startedAtLogin(app, { platform: 'linux' }, ['tack'])).toBe(false)
    app.getLoginItemSettings.mockReturnValueOnce({ openAtLogin: true, wasOpenedAtLogin: true })
    expect(startedAtLogin(app, { platform: 'darwin' }, ['Tack'])).toBe(true)
    expect(startedAtLogin(app, { platform: 'darwin' }, ['Tack'])).toBe(false)
  })
})
