// The desktop app's own settings (not the core's config, nor LAN sharing, which the core keeps): a small
// JSON file in userData. Broken content falls back to defaults rather than stopping the app. Written
// atomically (temp file + rename).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Settings } from '../shared/ipc.js'

export type DesktopSettings = Pick<Settings, 'openAtLogin'>

export const DEFAULT_SETTINGS: DesktopSettings = Object.freeze({ openAtLogin: false })

export function loadSettings(file: string): DesktopSettings {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<keyof DesktopSettings, unknown>>
    return {
      openAtLogin: typeof raw.openAtLogin === 'boolean' ? raw.openAtLogin : DEFAULT_SETTINGS.openAtLogin,
    }
  } catch {
    return { ...DEFAULT_SETTINGS }
  }
}

export function saveSettings(file: string, settings: DesktopSettings): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(`${file}.tmp`, JSON.stringify(settings, null, 2) + '\n')
  renameSync(`${file}.tmp`, file)
}

// Characters that make an Exec argument need quotes (Desktop Entry spec, "The Exec key").
const EXEC_RESERVED = /[ \t"'\\><~|&;$*?#()`]/

/**
 * One argument of an Exec= line, per the Desktop Entry spec: quoted when it holds a reserved character, with
 * `"`, `` ` ``, `$` and `\` backslash-escaped inside the quotes; a literal `%` doubled (else it is a field
 * code); then every backslash doubled again, because Exec is a string value and that escape is undone first.
 * A newline cannot be represented: refused.
 */
export function execArgument(arg: string): string {
  if (/[\n\r]/.test(arg)) throw new Error('an Exec argument cannot contain a line break')
  const quoted = EXEC_RESERVED.test(arg) ? `"${arg.replace(/(["`$\\])/g, '\\$1')}"` : arg
  return quoted.replace(/%/g, '%%').replace(/\\/g, '\\\\')
}

/** The XDG autostart entry that "open at login" means on Linux (Electron's login items cover macOS and
 * Windows only). An AppImage must be started through its own path, which it puts in $APPIMAGE. */
export function autostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Tack',
    `Exec=${execArgument(executable)} --hidden`,
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n')
}
