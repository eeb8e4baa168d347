// "Open at login": Electron's login items on macOS and Windows, an XDG autostart entry on Linux. Only a
// packaged app registers itself: in development the executable is Electron, not Tack.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { autostartEntry } from './settings.js'

export interface LoginItemApp {
  isPackaged: boolean
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void
}

export interface LoginItemEnv {
  platform: NodeJS.Platform
  env: NodeJS.ProcessEnv
  execPath: string
  log: { info(msg: string, fields?: Record<string, unknown>): void }
}

export function setOpenAtLogin(app: LoginItemApp, on: boolean, ctx: LoginItemEnv): void {
  if (!app.isPackaged) {
    ctx.log.info('open at login is only registered by a packaged Tack', { on })
    return
  }
  if (ctx.platform !== 'linux') {
    app.setLoginItemSettings({ openAtLogin: on, args: ['--hidden'] })
    return
  }
  const dir = join(ctx.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart')
  const file = join(dir, 'tack.desktop')
  if (!on) return rmSync(file, { force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(file, autostartEntry(ctx.env.APPIMAGE || ctx.execPath))
}
