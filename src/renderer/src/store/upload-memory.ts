// What the upload queue remembers across a reload or a closed window: the uploads that had not finished
// (name, size, when the file was last changed, how much was sent). A browser cannot keep a File across a
// reload, and Tack has no partial uploads to continue, so such an upload comes back as "interrupted": the
// person picks the same file (or folder) again and it is sent again from the start. Kept in localStorage
// (this origin's, so one per Tack server); sign-out forgets it. Names only, never contents.
import type { PickedFile, Upload } from './uploads'

export const MEMORY_KEY = 'tack.unfinishedUploads'
/** Enough for any real queue; a longer list is cut, never an error. */
const MAX_REMEMBERED = 200

export interface RememberedUpload {
  label: string
  fileCount: number
  size: number
  /** The file's lastModified (a single file), to tell the same file from another of that name. */
  lastModified?: number
  /** Bytes sent when it stopped. */
  sent: number
  private?: boolean
  pin?: boolean
  car?: boolean
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>

const keep = (u: Upload) => u.state === 'queued' || u.state === 'uploading' || u.state === 'interrupted'

/** The uploads a reload now would interrupt, plus those still waiting to be picked again. */
export function toMemory(items: readonly Upload[]): RememberedUpload[] {
  return items
    .filter(keep)
    .slice(0, MAX_REMEMBERED)
    .map((u) => ({
      label: u.label,
      fileCount: u.fileCount,
      size: u.size,
      ...(u.lastModified !== undefined ? { lastModified: u.lastModified } : {}),
      sent: u.loaded,
      ...(u.private ? { private: true } : {}),
      ...(u.pin ? { pin: true } : {}),
      ...(u.car ? { car: true } : {}),
    }))
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0

/** What was remembered; anything unreadable (another version, a hand edit) is left out. */
export function readMemory(storage: Storage | undefined): RememberedUpload[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(storage?.getItem(MEMORY_KEY) ?? '[]')
  } catch {
    return []
  }
  if (!Array.isArray(parsed)) return []
  return parsed
    .filter(
      (r: Partial<RememberedUpload> | null): r is RememberedUpload =>
        typeof r?.label === 'string' &&
        r.label.length > 0 &&
        isCount(r.fileCount) &&
        isCount(r.size) &&
        isCount(r.sent) &&
        (r.lastModified === undefined || isCount(r.lastModified)),
    )
    .slice(0, MAX_REMEMBERED)
}

/** Writes the list (or removes the key when it is empty); a full or refused storage only loses the memory. */
export function writeMemory(storage: Storage | undefined, list: readonly RememberedUpload[]): void {
  try {
    if (list.length === 0) storage?.removeItem(MEMORY_KEY)
    else storage?.setItem(MEMORY_KEY, JSON.stringify(list))
  } catch {
    // Quota or privacy mode: the queue works as before, it just will not come back after a reload.
  }
}

/**
 * Why the files picked again are not the interrupted upload, or undefined when they are: a loose file by
 * name, size and last change; a folder by its name, file count and total size.
 */
export function notTheSame(
  remembered: Pick<Upload, 'label' | 'fileCount' | 'size' | 'lastModified'>,
  picked: readonly PickedFile[],
): string | undefined {
  const size = picked.reduce((n, f) => n + f.file.size, 0)
  if (remembered.label.endsWith('/')) {
    const top = remembered.label.slice(0, -1)
    if (picked.some((f) => f.path.split('/')[0] !== top)) return `pick the folder “${top}” again`
    if (picked.length !== remembered.fileCount || size !== remembered.size)
      return `the folder “${top}” has changed since (${picked.length} files now, ${remembered.fileCount} before)`
    return undefined
  }
  const [one] = picked
  if (picked.length !== 1 || !one) return `pick the one file “${remembered.label}” again`
  if (one.path !== remembered.label) return `that is “${one.path}”, not “${remembered.label}”`
  if (one.file.size !== remembered.size || (remembered.lastModified ?? one.file.lastModified) !== one.file.lastModified)
    return `“${remembered.label}” has changed since it was picked`
  return undefined
}
