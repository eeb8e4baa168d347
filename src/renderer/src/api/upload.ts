// Uploads with progress: XMLHttpRequest, because fetch has no upload progress. One file goes as a raw
// PUT; a folder (or several files with paths) as one multipart POST whose filenames keep relative paths.
import { ApiError, failureFrom } from './errors'
import type { FileRecord, FolderUpload } from './types'

export interface UploadProgress {
  loaded: number
  total: number
}

export interface UploadHandle<T> {
  done: Promise<T>
  cancel(): void
}

export interface UploadTarget {
  base: string
  /** The session's credential headers (api.authHeaders). */
  authHeaders: Record<string, string>
}

export function putFile(
  target: UploadTarget,
  file: Blob,
  name: string,
  onProgress: (p: UploadProgress) => void,
  isPrivate = false,
  asCar = false,
  pin = false,
): UploadHandle<FileRecord> {
  const flags = `${isPrivate ? '&private=true' : ''}${pin && !isPrivate ? '&pin=true' : ''}`
  const url = `${target.base}/api/files?name=${encodeURIComponent(name)}${flags}`
  // A CAR is imported as the DAG it holds (its root becomes the entry), not stored as a file.
  const type = asCar ? 'application/vnd.ipld.car' : file.type || 'application/octet-stream'
  return send<FileRecord>(target, 'PUT', url, file, onProgress, type)
}

export function postFolder(
  target: UploadTarget,
  files: Array<{ file: File; path: string }>,
  onProgress: (p: UploadProgress) => void,
  isPrivate = false,
  pin = false,
): UploadHandle<FolderUpload> {
  const form = new FormData()
  if (isPrivate) form.append('private', 'true')
  // The multipart filename carries the relative path (`photos/2024/a.jpg`); the server keeps it.
  for (const { file, path } of files) form.append('file', file, path)
  const url = `${target.base}/api/files${pin && !isPrivate ? '?pin=true' : ''}`
  return send<FolderUpload>(target, 'POST', url, form, onProgress)
}

function send<T>(
  target: UploadTarget,
  method: string,
  url: string,
  body: XMLHttpRequestBodyInit,
  onProgress: (p: UploadProgress) => void,
  contentType?: string,
): UploadHandle<T> {
  const xhr = new XMLHttpRequest()
  const done = new Promise<T>((resolve, reject) => {
    xhr.open(method, url)
    for (const [name, value] of Object.entries(target.authHeaders)) xhr.setRequestHeader(name, value)
    if (contentType) xhr.setRequestHeader('content-type', contentType)
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 })
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as T)
        } catch {
          reject(new ApiError(xhr.status, 'BAD_RESPONSE', 'Tack answered with something that is not JSON'))
        }
      } else reject(failureFrom(xhr.status, xhr.responseText))
    }
    // A server that refuses early (quota) may close the socket mid-body: the browser reports an error
    // with status 0 and no body then. Say what most likely happened.
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'the connection to Tack broke during the upload'))
    xhr.onabort = () => reject(new ApiError(0, 'CANCELLED', 'you cancelled this upload'))
    xhr.send(body)
  })
  return { done, cancel: () => xhr.abort() }
}

/** What a restore added and what it held back (POST /api/import's answer). */
export interface RestoreResult {
  accounts: number
  keys: number
  pins: number
  files: number
  skipped: number
  keysLeftOut: number
  targetsLeftOut: string[]
  keptPrivate: string[]
  addedKeys: Array<{ id: string; name: string; account: string; scopes: string }>
}

export type RestoreKeys = 'none' | 'same-scopes' | 'all'

/** Sends a backup archive to be merged into the running Tack; the file streams from disk, never read whole. */
export function postArchive(
  target: UploadTarget,
  file: Blob,
  keys: RestoreKeys,
  onProgress: (p: UploadProgress) => void,
): UploadHandle<RestoreResult> {
  const url = `${target.base}/api/import?keys=${keys}`
  return send<RestoreResult>(target, 'POST', url, file, onProgress, 'application/x-tar')
}
