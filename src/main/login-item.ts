// "Open at login": Electron's login items on macOS and Windows, an XDG autostart entry on Linux. Only a
// packaged app registers itself: in development the executable is Electron, not Tack. The state shown is
// read back from the OS (the user may have removed Tack in System Settings, Task Manager or their session
// settings), not what Tack last wrote. Started at login, Tack stays in the tray: Windows and Linux pass
// --hidden; macOS ignores arguments for login items, so there the OS says whether it opened Tack at login.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { autostartEntry } from './settings.js'

export const HIDDEN_FLAG = '--hidden'

export interface LoginItemApp {
  isPackaged: boolean
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void
  getLoginItemSettings(options?: { args?: string[] }): LoginItemState
}

/** What Electron reports; the last two exist on Windows only. */
export interface LoginItemState {
  openAtLogin: boolean
  wasOpenedAtLogin?: boolean
  executableWillLaunchAtLogin?: boolean
  launchItems?: { path: string; args: string[]; enabled: boolean }[]
}

export interface LoginItemFs {
  exists(file: string): boolean
  read(file: string): string
  write(file: string, text: string): void
  remove(file: string): void
}

export interface LoginItemEnv {
  platform: NodeJS.Platform
  env: NodeJS.ProcessEnv
  execPath: string
  log: { info(msg: string, fields?: Record<string, unknown>): void }
  fs?: LoginItemFs
}

const realFs: LoginItemFs = {
  exists: existsSync,
  read: (file) => readFileSync(file, 'utf8'),
  write: (file, text) => {
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(file, text)
  },
  remove: (file) => rmSync(file, { force: true }),
}

export function autostartFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart', 'tack.desktop')
}

/** Windows compares the arguments too: ask about the exact entry Tack writes. */
const WIN_ARGS = [HIDDEN_FLAG]

export function setOpenAtLogin(app: LoginItemApp, on: boolean, ctx: LoginItemEnv): void {
  if (!app.isPackaged) {
    ctx.log.info('open at login is only registered by a packaged Tack', { on })
    return
  }
  if (ctx.platform === 'darwin') return app.setLoginItemSettings({ openAtLogin: on })
  if (ctx.platform === 'win32') return app.setLoginItemSettings({ openAtLogin: on, args: WIN_ARGS })
  const fs = ctx.fs ?? realFs
  const file = autostartFile(ctx.env)
  if (!on) return fs.remove(file)
  fs.write(file, autostartEntry(ctx.env.APPIMAGE || ctx.execPath))
}

/** Whether the OS will open Tack at login, or undefined where Tack does not register (development). */
export function getOpenAtLogin(app: LoginItemApp, ctx: LoginItemEnv): boolean | undefined {
  if (!app.isPackaged) return undefined
  if (ctx.platform === 'darwin') return app.getLoginItemSettings().openAtLogin
  if (ctx.platform === 'win32') return windowsWillOpen(app.getLoginItemSettings({ args: WIN_ARGS }), ctx.execPath)
  const fs = ctx.fs ?? realFs
  const file = autostartFile(ctx.env)
  if (!fs.exists(file)) return false
  const text = fs.read(file)
  // Session settings switch an entry off with Hidden=true or X-GNOME-Autostart-enabled=false.
  return !/^Hidden\s*=\s*true\s*$/m.test(text) && !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text)
}

/**
 * Windows: `openAtLogin` says only that the Run key holds Tack's entry. Disabling it in Task Manager (or in
 * Settings → Startup apps) leaves that entry and writes a StartupApproved\Run value, which Electron reports as
 * `executableWillLaunchAtLogin: false` and as the entry's `enabled: false`; either means Tack will not open.
 */
export function windowsWillOpen(state: LoginItemState, execPath: string): boolean {
  if (!state.openAtLogin || state.executableWillLaunchAtLogin === false) return false
  const sameArgs = (args: string[]) => JSON.stringify(args) === JSON.stringify(WIN_ARGS)
  const ours = (state.launchItems ?? []).filter((i) => samePath(i.path, execPath) && sameArgs(i.args ?? []))
  return !ours.some((i) => i.enabled === false)
}

/** Windows paths compare without regard to case or quoting. */
function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/^"|"$/g, '').toLowerCase()
  return norm(a) === norm(b)
}

/** Whether this start should stay in the tray: started by the OS at login. */
export function startedAtLogin(app: LoginItemApp, ctx: Pick<LoginItemEnv, 'platform'>, argv: string[]): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true
  return ctx.platform === 'darwin' && app.isPackaged && app.getLoginItemSettings().wasOpenedAtLogin === true
}
