// Uploads in flight and just finished: one row per file (or per folder, which goes as one multipart
// request so the server can build its directory), with progress, speed and time left. Two run at once.
// Uploads a reload or a closed window cut off come back as "interrupted" (upload-memory.ts) until the same
// file is picked again, which sends it again from the start (Tack keeps no partial uploads to continue).
import { create } from 'zustand'
import { ApiError, toApiError } from '../api/errors'
import { postFolder, putFile, type UploadHandle, type UploadProgress } from '../api/upload'
import type { FileRecord } from '../api/types'
import { useFiles } from './files'
import { notTheSame, readMemory, toMemory, writeMemory } from './upload-memory'
import { api } from './session'

export interface PickedFile {
  file: File
  /** Relative path inside a dropped or picked folder; the file name for a loose file. */
  path: string
}

/** interrupted: cut off by a reload or a closed window; waits for its file to be picked again. */
export type UploadState = 'queued' | 'uploading' | 'done' | 'failed' | 'cancelled' | 'interrupted'

export interface Upload {
  id: number
  label: string
  fileCount: number
  /** The files' bytes (what the user thinks of as the size). */
  size: number
  /** The request's bytes (a multipart body adds a little), for the progress bar. */
  total: number
  loaded: number
  /** Bytes per second, smoothed. */
  speed: number
  state: UploadState
  error?: ApiError
  /** Sent as a private upload (object store only, opened through signed links). */
  private?: boolean
  /** A .car file sent to be imported as the DAG it holds. */
  car?: boolean
  /** Put on IPFS (pinned and announced) as soon as it is stored. */
  pin?: boolean
  cid?: string
  /** A loose file's lastModified: with its name and size, how the same file is known when picked again. */
  lastModified?: number
  /** Sent again from the start after an interruption. */
  restarted?: boolean
  /** What to send; dropped once sent. */
  files?: PickedFile[]
}

interface UploadsState {
  items: Upload[]
  /** The switch before a drop: uploads added while it is on are private. */
  private: boolean
  setPrivate(on: boolean): void
  /** "Put on IPFS at once": the owner's setting (addToIpfs), which this switch changes. */
  addToIpfs: boolean
  loadAddToIpfs(): Promise<void>
  setAddToIpfs(on: boolean): Promise<void>
  /** The "Import .car as CAR" switch. */
  importCar: boolean
  setImportCar(on: boolean): void
  add(files: PickedFile[]): void
  /** An interrupted upload sent again with its files picked again (refused, with why, if they differ). */
  resume(id: number, files: PickedFile[]): void
  cancel(id: number): void
  /** Stops every upload that has not finished and forgets the interrupted ones (signing out). */
  cancelAll(): void
  dismiss(id: number): void
  clearFinished(): void
}

const MAX_PARALLEL = 2

/** How many uploads have not finished (queued or sending): what a reload or sign-out would lose. */
export const unfinished = (items: readonly Upload[]): number =>
  items.filter((u) => u.state === 'queued' || u.state === 'uploading').length
const handles = new Map<number, UploadHandle<unknown>>()
const samples = new Map<number, { t: number; loaded: number }>()
let nextId = 1
/** This origin's localStorage, where there is one (not in unit tests under Node). */
const storage = typeof localStorage === 'undefined' ? undefined : localStorage

/** Loose files become one upload each; files under a folder go together, one upload per top-level folder. */
export function groupUploads(files: PickedFile[]): Array<{ label: string; files: PickedFile[] }> {
  const folders = new Map<string, PickedFile[]>()
  const out: Array<{ label: string; files: PickedFile[] }> = []
  for (const f of files) {
    const slash = f.path.indexOf('/')
    if (slash <= 0) out.push({ label: f.path || f.file.name, files: [f] })
    else {
      const top = f.path.slice(0, slash)
      if (!folders.has(top)) folders.set(top, [])
      folders.get(top)!.push(f)
    }
  }
  for (const [label, group] of folders) out.push({ label: `${label}/`, files: group })
  return out
}

export const useUploads = create<UploadsState>((set, get) => {
  const patch = (id: number, p: Partial<Upload>) =>
    set({ items: get().items.map((u) => (u.id === id ? { ...u, ...p } : u)) })

  const progress = (id: number) => (p: UploadProgress) => {
    const now = performance.now()
    const last = samples.get(id)
    const item = get().items.find((u) => u.id === id)
    let speed = item?.speed ?? 0
    if (last && now - last.t >= 200) {
      const instant = ((p.loaded - last.loaded) * 1000) / (now - last.t)
      speed = speed ? speed * 0.7 + instant * 0.3 : instant
      samples.set(id, { t: now, loaded: p.loaded })
    } else if (!last) samples.set(id, { t: now, loaded: p.loaded })
    patch(id, { loaded: p.loaded, total: p.total || item?.total || 0, speed })
  }

  const pump = () => {
    const running = get().items.filter((u) => u.state === 'uploading').length
    const next = get()
      .items.filter((u) => u.state === 'queued')
      .slice(0, MAX_PARALLEL - running)
    for (const item of next) start(item)
  }

  const start = (item: Upload) => {
    const files = item.files ?? []
    const target = api()
    patch(item.id, { state: 'uploading', files: undefined })
    let done: Promise<{ cid?: string; records: FileRecord[]; folder?: boolean }>
    if (files.length === 1 && !files[0]!.path.includes('/')) {
      const h = putFile(target, files[0]!.file, files[0]!.path, progress(item.id), item.private, item.car, item.pin)
      handles.set(item.id, h)
      done = h.done.then((r) => ({ cid: r.cid, records: [r] }))
    } else {
      const h = postFolder(target, files, progress(item.id), item.private, item.pin)
      handles.set(item.id, h)
      done = h.done.then((r) => ({
        cid: r.directory?.cid ?? r.files[0]?.cid,
        records: r.files,
        folder: Boolean(r.directory),
      }))
    }
    done
      .then((result) => {
        const total = get().items.find((u) => u.id === item.id)?.total || item.total
        patch(item.id, { state: 'done', loaded: total, total, cid: result.cid })
        // A folder is one library entry the server builds: the list is read again rather than guessed.
        if (result.folder) void useFiles.getState().load()
        else useFiles.getState().upsert(result.records)
      })
      .catch((err: unknown) => {
        const e = toApiError(err)
        patch(item.id, { state: e.reason === 'CANCELLED' ? 'cancelled' : 'failed', error: e })
      })
      .finally(() => {
        handles.delete(item.id)
        samples.delete(item.id)
        pump()
      })
  }

  return {
    items: readMemory(storage).map((r): Upload => ({
      id: nextId++,
      label: r.label,
      fileCount: r.fileCount,
      size: r.size,
      total: r.size,
      loaded: r.sent,
      speed: 0,
      state: 'interrupted',
      lastModified: r.lastModified,
      private: r.private,
      pin: r.pin,
      car: r.car,
    })),
    private: false,
    setPrivate: (on) => set({ private: on }),
    addToIpfs: true,
    async loadAddToIpfs() {
      // Only the owner (admin) reads settings; anyone else keeps the default.
      const settings = await api()
        .settings()
        .catch(() => undefined)
      if (settings?.addToIpfs !== undefined) set({ addToIpfs: settings.addToIpfs })
    },
    async setAddToIpfs(on) {
      set({ addToIpfs: on })
      await api()
        .saveSettings({ addToIpfs: on })
        .catch(() => {})
    },
    importCar: false,
    setImportCar: (on) => set({ importCar: on }),
    add(files) {
      const fresh: Upload[] = groupUploads(files).map((g) => ({
        id: nextId++,
        label: g.label,
        fileCount: g.files.length,
        private: get().private,
        pin: get().addToIpfs && !get().private,
        car: get().importCar && g.files.length === 1 && /^[^/]+\.car$/i.test(g.files[0]!.path),
        size: g.files.reduce((n, f) => n + f.file.size, 0),
        total: g.files.reduce((n, f) => n + f.file.size, 0),
        loaded: 0,
        speed: 0,
        state: 'queued',
        lastModified: g.files.length === 1 && !g.label.endsWith('/') ? g.files[0]!.file.lastModified : undefined,
        files: g.files,
      }))
      set({ items: [...fresh, ...get().items] })
      pump()
    },
    resume(id, files) {
      const item = get().items.find((u) => u.id === id)
      if (item?.state !== 'interrupted') return
      const why = notTheSame(item, files)
      if (why) {
        patch(id, { error: new ApiError(0, 'NOT_THE_SAME_FILE', why) })
        return
      }
      const size = files.reduce((n, f) => n + f.file.size, 0)
      patch(id, { state: 'queued', files, loaded: 0, total: size, error: undefined, restarted: true })
      pump()
    },
    cancel(id) {
      const h = handles.get(id)
      if (h) h.cancel()
      else
        patch(id, {
          state: 'cancelled',
          files: undefined,
          error: new ApiError(0, 'CANCELLED', 'you cancelled this upload'),
        })
    },
    cancelAll() {
      for (const u of get().items) if (u.state === 'queued' || u.state === 'uploading') get().cancel(u.id)
      set({ items: get().items.filter((u) => u.state !== 'interrupted') })
    },
    dismiss: (id) => set({ items: get().items.filter((u) => u.id !== id) }),
    clearFinished: () =>
      set({
        items: get().items.filter((u) => u.state === 'uploading' || u.state === 'queued' || u.state === 'interrupted'),
      }),
  }
})

// Every change of the queue is remembered (written only when what is remembered changed).
let remembered = JSON.stringify(toMemory(useUploads.getState().items))
useUploads.subscribe((state) => {
  const now = JSON.stringify(toMemory(state.items))
  if (now === remembered) return
  remembered = now
  writeMemory(storage, toMemory(state.items))
})
