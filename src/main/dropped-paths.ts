// Paths of files dropped on the window are the one place where the renderer names files on disk. The
// preload sends them only for a trusted drop, from webUtils.getPathForFile (the browser process's own record
// of what was dropped), and the page itself cannot reach the channel. But a compromised renderer can send
// anything over IPC, so main treats the list as a claim: well-formed absolute paths of files or folders
// that exist, few of them (what one hand drops), and nothing is read before the user confirms in a dialog
// that main draws. The renderer's own drop zone uploads through the File API and never gets here, so the
// question is rare; files picked in main's open dialog, or dropped on the Dock or tray icon (events from
// the OS, not the renderer), need no confirmation.
import type { Stats } from 'node:fs'
import { basename, isAbsolute, resolve } from 'node:path'
import { IpcHandlerError } from './ipc-error.js'

/** Top-level items of one drop (folders count once; their files are not limited here). */
export const MAX_DROPPED_ITEMS = 256

/** Shape rules, checked by the IPC argument schema before any handler runs. */
export function isWellFormedDroppedPath(path: string): boolean {
  if (path.length === 0 || path.length > 4096 || path.includes('\0')) return false
  if (!isAbsolute(path)) return false
  // No `..`, `.`, doubled or trailing separators: exactly what getPathForFile gives, nothing composed.
  const normal = resolve(path)
  return normal === path || normal === path.replace(/[\\/]+$/, '')
}

export interface DroppedPathsInit {
  stat: (path: string) => Promise<Pick<Stats, 'isFile' | 'isDirectory'>>
  /** Main's own dialog: true only if the user agrees to upload these. */
  confirm: (paths: string[], count: number) => Promise<boolean>
}

/** The paths to upload, or an IpcHandlerError saying why none will be. */
export async function acceptDroppedPaths(paths: string[], init: DroppedPathsInit): Promise<string[]> {
  const unique = [...new Set(paths)]
  for (const path of unique) {
    if (!isWellFormedDroppedPath(path)) throw new IpcHandlerError('BAD_ARGUMENT', 'not a dropped file path')
    const info = await init.stat(path).catch(() => undefined)
    // Devices, sockets and pipes are never what a user drops to share.
    if (!info || !(info.isFile() || info.isDirectory()))
      throw new IpcHandlerError('NOT_FOUND', `${basename(path)}: no such file or folder`)
  }
  // Full paths: a base name says nothing for "/" (""), the home folder ("root") or /etc/passwd ("passwd").
  if (!(await init.confirm(unique, unique.length))) throw new IpcHandlerError('CANCELLED', 'upload not confirmed')
  return unique
}

/** The dialog's text: what will be uploaded, by full path, so a surprise is visible. */
export function confirmMessage(paths: string[], count: number): { message: string; detail: string } {
  const shown = paths.slice(0, 8).join('\n')
  const more = count > 8 ? `\n… and ${count - 8} more` : ''
  return {
    message: count === 1 ? `Add "${paths[0]}" to IPFS?` : `Add these ${count} items to IPFS?`,
    detail: `${shown}${more}\n\nAnyone with the link can fetch what you add.`,
  }
}
