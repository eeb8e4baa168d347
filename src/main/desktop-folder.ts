// Where the desktop app keeps its own things (Electron's userData: settings, logs, its data dir in data/).
// Electron's default is <app data>/Tack, which on macOS and Windows (case-insensitive file systems) is the
// very folder the `tack` CLI uses as its data dir (<app data>/tack): the desktop's data ended up nested in the
// CLI's, beside Kubo's repo and tack.db of another Tack. There the desktop gets a folder of its own, and what
// an earlier version left in the shared one is moved once, at the first start. On Linux Electron's default
// (~/.config/Tack) was already apart from the CLI's (~/.local/share/tack) and stays.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { paths } from './core/state.js'

export const DESKTOP_FOLDER_NAME = 'Tack Desktop'
/** What the desktop wrote into its userData; Chromium's own files there are caches and are left behind. */
export const DESKTOP_ENTRIES = ['data', 'settings.json', 'logs'] as const

/** The desktop's userData for this OS, or undefined where Electron's default is kept (Linux). */
export function desktopFolder(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home = homedir()): string | undefined {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', DESKTOP_FOLDER_NAME)
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), DESKTOP_FOLDER_NAME)
  return undefined
}

export interface DesktopFolderChoice {
  userData: string
  /** Lines for the log once it is open (what was moved, or why not). */
  notes: string[]
}

/**
 * The userData to use, after moving the desktop's entries out of Electron's default folder (`current`) the
 * first time. Nothing is moved while a Tack still runs on the old data dir (an older version, left open): this
 * start then stays on the old folder and the move happens at a later one. A move never overwrites: an entry
 * already in the new folder wins. Synchronous: it runs before Electron's ready (userData must be set by then),
 * where a top-level await would let ready pass.
 */
export function chooseDesktopFolder(init: {
  platform: NodeJS.Platform
  env: NodeJS.ProcessEnv
  current: string
  home?: string
}): DesktopFolderChoice {
  const target = desktopFolder(init.platform, init.env, init.home)
  if (!target || target === init.current) return { userData: init.current, notes: [] }
  const from = init.current
  const waiting = DESKTOP_ENTRIES.filter((e) => existsSync(join(from, e)) && !existsSync(join(target, e)))
  if (waiting.length === 0) return { userData: target, notes: [] }
  const holder = livePid(paths(join(from, 'data')).pidFile)
  if (holder)
    return {
      userData: from,
      notes: [
        `a Tack may still run on ${join(from, 'data')} (pid ${holder}); its move to ${target} waits for a start without it`,
      ],
    }
  mkdirSync(target, { recursive: true })
  const notes: string[] = []
  for (const entry of waiting) {
    // Same parent folder, so the same volume: a rename, all or nothing for each entry.
    renameSync(join(from, entry), join(target, entry))
    notes.push(`moved ${join(from, entry)} to ${join(target, entry)}`)
  }
  return { userData: target, notes }
}

/**
 * The pid in a data dir's pid file while that pid is alive. Liveness only (the identity check needs ps or
 * PowerShell, asynchronously): a pid reused by another program postpones the move, never breaks a running Tack.
 */
function livePid(pidFile: string): number | undefined {
  let pid: number
  try {
    pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  } catch {
    return undefined
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined
  try {
    process.kill(pid, 0)
    return pid
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined
  }
}
