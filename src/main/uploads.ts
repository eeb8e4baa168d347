// Uploads that start outside the page (the native open dialog, files dropped on the window, the dock icon
// or the tray icon) are done here in main: it already has the paths, so it streams each file from disk to
// the core (`PUT /api/files?name=`, raw body) without passing file contents through IPC or the renderer.
// A folder goes as the browser UI sends one: a single multipart `POST /api/files` whose file names keep their
// path relative to the folder's parent ("photos/2024/a.jpg"), so it becomes one folder entry with its own CID.
// They go on IPFS at once (`pin=true`) while the owner's add-to-IPFS setting is on (the default), as the
// window's own adds do.
// Files go one at a time: the machine and Kubo are shared with everything else the user is doing.
import { createReadStream, openAsBlob } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, dirname, join, relative, sep } from 'node:path'
import { Readable } from 'node:stream'
import type { Connection, UploadEvent } from '../shared/ipc.js'

export interface UploadEntry {
  file: string
  name: string
}

/** Expands folders into their files (symbolic links are not followed), up to `limit` entries. */
export async function expandPaths(paths: string[], limit = 10_000): Promise<UploadEntry[]> {
  const entries: UploadEntry[] = []
  const visit = async (path: string, root: string) => {
    if (entries.length >= limit) return
    const info = await stat(path).catch(() => undefined)
    if (!info) return
    if (info.isFile()) entries.push({ file: path, name: relative(root, path).split(sep).join('/') })
    else if (info.isDirectory()) {
      const children = await readdir(path, { withFileTypes: true })
      for (const child of children.sort((a, b) => a.name.localeCompare(b.name)))
        if (child.isFile() || child.isDirectory()) await visit(join(path, child.name), root)
    }
  }
  for (const path of paths) await visit(path, dirname(path))
  return entries
}

/** The CID in the core's answer; tolerant of the shapes the files route may settle on. */
export function cidOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined
  const b = body as Record<string, unknown>
  if (typeof b.cid === 'string') return b.cid
  if (b.cid && typeof b.cid === 'object' && typeof (b.cid as Record<string, unknown>)['/'] === 'string')
    return (b.cid as Record<string, string>)['/']
  for (const key of ['file', 'files', 'results']) {
    const inner = Array.isArray(b[key]) ? (b[key] as unknown[])[0] : b[key]
    const cid = cidOf(inner)
    if (cid) return cid
  }
  return undefined
}

/** The link to share: the LAN one while sharing is on, else the local gateway's. */
export function linkOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined
  const b = body as Record<string, unknown>
  const link = b.lanUrl ?? b.gatewayUrl
  return typeof link === 'string' ? link : undefined
}

export interface UploaderInit {
  fetch: typeof fetch
  connection: () => Connection | undefined
  /** Every state of every file: the window shows progress, the notifier and tray use the end states. */
  emit: (event: UploadEvent) => void
  open?: (file: string) => Readable
}

export type Uploader = (paths: string[]) => Promise<UploadEvent[]>

export function createUploader(init: UploaderInit): Uploader {
  const open = init.open ?? ((file: string) => createReadStream(file))
  /** The owner's add-to-IPFS setting, asked once per batch; on when it cannot be read. */
  const addToIpfs = async (): Promise<boolean> => {
    const conn = init.connection()
    if (!conn) return true
    const res = await init
      .fetch(`${conn.apiUrl}/api/settings`, { headers: { authorization: `Bearer ${conn.token}` } })
      .catch(() => undefined)
    const body = (await res?.json().catch(() => undefined)) as { addToIpfs?: unknown } | undefined
    return body?.addToIpfs !== false
  }
  const one = async (entry: UploadEntry, pin: boolean): Promise<UploadEvent> => {
    const conn = init.connection()
    if (!conn) return { name: entry.name, status: 'failed', error: 'Tack is not running' }
    init.emit({ name: entry.name, status: 'uploading' })
    try {
      const size = (await stat(entry.file).catch(() => undefined))?.size
      const query = `name=${encodeURIComponent(entry.name)}${pin ? '&pin=true' : ''}`
      const res = await init.fetch(`${conn.apiUrl}/api/files?${query}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${conn.token}`,
          'content-type': 'application/octet-stream',
          ...(size !== undefined ? { 'content-length': String(size) } : {}),
        },
        body: Readable.toWeb(open(entry.file)) as ReadableStream<Uint8Array>,
        duplex: 'half',
      } as RequestInit)
      const body: unknown = await res.json().catch(() => undefined)
      if (!res.ok) {
        const reason = (body as { error?: { reason?: string; details?: string } } | undefined)?.error
        return { name: entry.name, status: 'failed', error: reason?.details ?? reason?.reason ?? `HTTP ${res.status}` }
      }
      const link = linkOf(body)
      return { name: entry.name, status: 'done', cid: cidOf(body), ...(link ? { link } : {}) }
    } catch (err) {
      return { name: entry.name, status: 'failed', error: err instanceof Error ? err.message : String(err) }
    }
  }
  const folder = async (path: string, pin: boolean): Promise<UploadEvent> => {
    const name = basename(path)
    const conn = init.connection()
    if (!conn) return { name, status: 'failed', error: 'Tack is not running' }
    init.emit({ name, status: 'uploading' })
    try {
      const entries = await expandPaths([path])
      if (entries.length === 0) return { name, status: 'failed', error: 'the folder has no files' }
      const form = new FormData()
      // File-backed blobs: fetch streams each from disk as the body is sent, never the whole folder in memory.
      for (const entry of entries) form.append('file', await openAsBlob(entry.file), entry.name)
      const res = await init.fetch(`${conn.apiUrl}/api/files${pin ? '?pin=true' : ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${conn.token}` },
        body: form,
      })
      const body = (await res.json().catch(() => undefined)) as
        { directory?: { cid?: string }; error?: { reason?: string; details?: string } } | undefined
      if (!res.ok) {
        const reason = body?.error
        return { name, status: 'failed', error: reason?.details ?? reason?.reason ?? `HTTP ${res.status}` }
      }
      return { name, status: 'done', cid: body?.directory?.cid }
    } catch (err) {
      return { name, status: 'failed', error: err instanceof Error ? err.message : String(err) }
    }
  }
  return async (paths) => {
    const results: UploadEvent[] = []
    const pin = await addToIpfs()
    for (const path of paths) {
      const info = await stat(path).catch(() => undefined)
      if (!info || !(info.isFile() || info.isDirectory())) continue
      const result = info.isDirectory() ? await folder(path, pin) : await one({ file: path, name: basename(path) }, pin)
      init.emit(result)
      results.push(result)
    }
    return results
  }
}

/**
 * Files dropped on the dock or tray icon arrive one event per file, and maybe before the core runs: gather
 * them for a moment and upload them as one batch once it does (flush() is called when it starts).
 */
export function createDropBatcher(init: { upload: Uploader; ready: () => boolean; delayMs?: number }): {
  add(paths: string[]): void
  flush(): void
} {
  let pending: string[] = []
  let timer: NodeJS.Timeout | undefined
  const flush = () => {
    clearTimeout(timer)
    if (!init.ready() || pending.length === 0) return
    const batch = pending
    pending = []
    void init.upload(batch)
  }
  return {
    add(paths) {
      pending.push(...paths)
      clearTimeout(timer)
      timer = setTimeout(flush, init.delayMs ?? 300)
    },
    flush,
  }
}
