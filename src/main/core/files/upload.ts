// Streaming uploads. Each file's bytes pass once through a tee: counted against the quota, written to a
// fresh object in the store, and fed to the importer that computes the CID. Every object is registered as
// pending before its first byte is written, so an upload that fails, is cut off or is killed -9 leaves only
// pending objects, which the cleanup below (and the sweep at the next start) removes.
import { randomUUID } from 'node:crypto'
import { CoreError } from '../errors.js'
import type { ObjectStore, ObjectWriter, PresignedWrite } from '../object-store/store.js'
import { importEntries } from '../cid/unixfs.js'
import { detectMime } from './mime.js'
import type { FilesRepo } from './repo.js'

export interface UploadPart {
  /** Relative path ('a.txt', 'photos/2024/b.jpg'); '' for a lone raw body. */
  path: string
  /** The record's name; default the last segment of the path. */
  name?: string
  content: AsyncIterable<Uint8Array>
  /** The exact byte count when the client announced it (a raw PUT's Content-Length): then the object is one
   *  streamed PUT to the store, with nothing buffered (see object-store/store.ts). */
  size?: number
}

/**
 * One raw body that never passes through Node: the byte relay sends it to the store and computes its CID on
 * the way (http/relay-upload.ts says when and why).
 */
export interface RelayedPart {
  name: string
  /** The exact byte count (Content-Length). */
  size: number
  /** Sends the body to `target` (exactly `size` bytes); resolves once the store has it all. */
  relay(target: PresignedWrite): Promise<RelayedBody>
}

/** What the sender of a relayed body saw: the CID it computed, the first bytes, the store's ETag of each part. */
export interface RelayedBody {
  cid: string
  head: Buffer
  etags: string[]
}

export interface StagedFile {
  path: string
  name: string
  cid: string
  size: number
  mime: string
  objectKey: string
}

export interface StagedUpload {
  files: StagedFile[]
  /** Set when the parts came from a folder (their paths have a '/'). */
  directory?: { cid: string; name: string; entries: Array<{ path: string; cid: string; size: number }> }
}

export interface UploadDeps {
  repo: FilesRepo
  store: ObjectStore
}

const HEAD_BYTES = 512
const WRAPPED_FOLDER_NAME = 'folder'

/** Folders nested in a path, at most, unless the caller says otherwise (config.maxPathDepth). */
export const DEFAULT_MAX_PATH_DEPTH = 100
/** C0 controls (NUL included) and DEL: no file system name needs them, and they mislead whoever reads a path. */
// eslint-disable-next-line no-control-regex -- control characters are what this keeps out
const CONTROL = /[\u0000-\u001f\u007f]/
export const hasControlCharacters = (s: string) => CONTROL.test(s)

/** A name or path as it may be shown in an error: bounded, control characters escaped. */
const shown = (raw: string) => JSON.stringify(raw.length > 120 ? `${raw.slice(0, 120)}…` : raw)

/** Refuses a file name or path holding control characters. */
export function checkName(raw: string, what = 'file name or path'): void {
  if (CONTROL.test(raw))
    throw new CoreError('BAD_REQUEST', `invalid ${what} ${shown(raw)}: control characters (NUL included) are not allowed`)
}

/** A path a folder upload may carry: relative, no empty, '.' or '..' segments, no control characters, at
 *  most `maxDepth` folders deep (the importer builds the tree recursively: 3,000 levels overflowed its stack). */
export function cleanPath(raw: string, maxDepth = DEFAULT_MAX_PATH_DEPTH): string {
  checkName(raw)
  const parts = raw
    .replaceAll('\\', '/')
    .replace(/^\.?\/+/, '')
    .split('/')
  if (!raw || parts.some((p) => p === '' || p === '.' || p === '..' || p.length > 255))
    throw new CoreError('BAD_REQUEST', `invalid file name or path: ${shown(raw)}`)
  if (parts.length - 1 > maxDepth)
    throw new CoreError(
      'BAD_REQUEST',
      `the path ${shown(raw)} is ${parts.length - 1} folders deep; at most ${maxDepth} are allowed (TACK_MAX_PATH_DEPTH)`,
    )
  return parts.join('/')
}

/** Streams the parts into the store and the importer; throws INSUFFICIENT_FUNDS past `allowance` bytes. */
export async function stage(
  deps: UploadDeps,
  parts: AsyncIterable<UploadPart>,
  allowance: number,
  maxDepth = DEFAULT_MAX_PATH_DEPTH,
): Promise<StagedUpload> {
  const { repo, store } = deps
  const staging: Array<{
    path: string
    name: string
    key: string
    writer: ObjectWriter
    head: Uint8Array
    size: number
  }> = []
  let total = 0
  let folder = false
  let raw = false

  async function* tee(source: AsyncIterable<Uint8Array>, item: (typeof staging)[number]) {
    for await (const chunk of source) {
      total += chunk.length
      if (total > allowance)
        throw new CoreError(
          'INSUFFICIENT_FUNDS',
          `this upload exceeds the account's quota by ${total - allowance} bytes or more`,
        )
      if (item.head.length < HEAD_BYTES) item.head = concatHead(item.head, chunk)
      item.size += chunk.length
      await item.writer.write(chunk)
      yield chunk
    }
  }
  async function* candidates() {
    const seen = new Set<string>()
    for await (const part of parts) {
      raw = part.path === ''
      const path = raw ? '' : cleanPath(part.path, maxDepth)
      if (part.name) checkName(part.name, 'file name')
      if (seen.has(path)) throw new CoreError('BAD_REQUEST', `the path "${path}" appears twice in this upload`)
      seen.add(path)
      folder ||= path.includes('/')
      const key = `uploads/${randomUUID()}`
      repo.addPending(key)
      const name = part.name || path.split('/').pop() || 'file'
      const item = { path, name, key, writer: store.writer(key, part.size), head: new Uint8Array(0), size: 0 }
      staging.push(item)
      yield raw ? { content: tee(part.content, item) } : { path, content: tee(part.content, item) }
    }
  }

  try {
    const files: StagedFile[] = []
    const dirs = new Map<string, string>()
    // Always wrapped when paths are given, so a folder without one common root still gets one CID.
    let wrap = true
    const source = candidates()
    const first = await source.next()
    if (first.done) throw new CoreError('BAD_REQUEST', 'the upload contains no file')
    if (!('path' in first.value)) wrap = false
    const all = (async function* () {
      yield first.value
      yield* source
    })()
    for await (const entry of importEntries(all, { wrapWithDirectory: wrap })) {
      if (entry.isDirectory) {
        dirs.set(entry.path, entry.cid)
        continue
      }
      const item = staging[files.length]!
      await item.writer.finish()
      files.push({
        path: item.path,
        name: item.name,
        cid: entry.cid,
        size: item.size,
        mime: detectMime(item.head, item.name),
        objectKey: item.key,
      })
    }
    if (files.length !== staging.length)
      throw new Error(`importer returned ${files.length} files for ${staging.length} parts`)
    return { files, directory: folder ? folderOf(files, dirs) : undefined }
  } catch (err) {
    await discard(
      deps,
      staging.map((s) => s.key),
      staging.map((s) => s.writer),
    )
    throw err
  }
}

/** Stages a relayed body: registered as pending first, so a failure or a kill -9 leaves only a pending object. */
export async function stageRelayed(deps: UploadDeps, part: RelayedPart): Promise<StagedUpload> {
  const key = `uploads/${randomUUID()}`
  deps.repo.addPending(key)
  try {
    const target = await deps.store.presignedWrite(key, part.size)
    if (!target) throw new CoreError('SERVICE_UNAVAILABLE', 'the object store takes no presigned writes')
    const { cid, head, etags } = await part.relay(target)
    await target.complete(etags)
    const file = { path: '', name: part.name, cid, size: part.size, mime: detectMime(head, part.name), objectKey: key }
    return { files: [file] }
  } catch (err) {
    await discard(deps, [key])
    throw err
  }
}

/** Removes staged objects and their pending rows; never throws (a leftover is swept at the next start). */
export async function discard(deps: UploadDeps, keys: string[], writers: ObjectWriter[] = []): Promise<void> {
  await Promise.all(writers.map((w) => w.abort()))
  for (const key of keys) {
    try {
      await deps.store.remove(key)
      deps.repo.removePending(key)
    } catch {
      /* the sweep at the next start retries */
    }
  }
}

/** A folder with one common root ('photos/…') is that root, as `ipfs add -r photos`; else the wrapper. */
function folderOf(files: StagedFile[], dirs: Map<string, string>): StagedUpload['directory'] {
  const roots = new Set(files.map((f) => (f.path.includes('/') ? f.path.split('/')[0] : '')))
  const root = roots.size === 1 && !roots.has('') ? [...roots][0]! : ''
  const cid = dirs.get(root)
  if (!cid) throw new Error(`the importer returned no folder "${root}"`)
  const strip = root ? root.length + 1 : 0
  return {
    cid,
    name: root || WRAPPED_FOLDER_NAME,
    entries: files.map((f) => ({ path: f.path.slice(strip), cid: f.cid, size: f.size })),
  }
}

function concatHead(head: Uint8Array, chunk: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.min(HEAD_BYTES, head.length + chunk.length))
  out.set(head)
  out.set(chunk.subarray(0, out.length - head.length), head.length)
  return out
}
