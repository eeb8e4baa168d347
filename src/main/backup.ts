// "Back up" in the desktop app: main asks where to save (its own save dialog, so the page never names a path),
// then streams the core's `GET /api/export` to that file. The archive holds private files, key hashes, link
// secrets and forwarding targets' credentials, so it is written 0600 (as `tack export` writes it): into a
// temporary file beside the chosen one, created 0600, then renamed over it, so a file the user chose to replace
// never keeps its old, wider mode and a failed export leaves no half archive behind.
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Connection, SavedBackup } from '../shared/ipc.js'
import { IpcHandlerError } from './ipc-error.js'

export const BACKUP_FILE_MODE = 0o600

export interface BackupSaverInit {
  fetch: typeof fetch
  connection: () => Connection | undefined
  /** Shows the save dialog with this suggested file name; undefined when the user cancels. */
  choosePath: (suggestedName: string) => Promise<string | undefined>
  now?: () => Date
}

/** The name the save dialog suggests: tack-backup-<UTC time>.tar, as the core's own download is named. */
export function backupFileName(now: Date): string {
  return `tack-backup-${now.toISOString().replace(/[:.]/g, '-')}.tar`
}

export function createBackupSaver(init: BackupSaverInit): () => Promise<SavedBackup> {
  return async () => {
    if (!init.connection()) throw new IpcHandlerError('NOT_READY', 'Tack is not running')
    const path = await init.choosePath(backupFileName(init.now?.() ?? new Date()))
    if (!path) throw new IpcHandlerError('CANCELLED', 'no file chosen')
    // Asked again: the core may have stopped while the dialog was open.
    const conn = init.connection()
    if (!conn) throw new IpcHandlerError('NOT_READY', 'Tack is not running')
    const res = await init.fetch(`${conn.apiUrl}/api/export`, { headers: { authorization: `Bearer ${conn.token}` } })
    if (!res.ok || !res.body) {
      const body = (await res.json().catch(() => undefined)) as { error?: { details?: string } } | undefined
      throw new IpcHandlerError('FAILED', `the backup failed: ${body?.error?.details ?? `HTTP ${res.status}`}`)
    }
    const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`)
    let bytes = 0
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length
        done(null, chunk)
      },
    })
    try {
      await pipeline(
        Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>),
        count,
        createWriteStream(temp, { flags: 'wx', mode: BACKUP_FILE_MODE }),
      )
      await rename(temp, path)
    } catch (err) {
      await unlink(temp).catch(() => {})
      throw new IpcHandlerError('FAILED', `the backup could not be written: ${(err as Error).message}`)
    }
    return { path, bytes }
  }
}
