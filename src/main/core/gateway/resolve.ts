// What a gateway path names: an uploaded file (bytes in the object store, or in Kubo once pinned), a folder
// listing built from the upload's entries, or content only Kubo holds (another account's PSA pin). A CID
// nobody uploaded or pinned resolves to nothing: the gateway is never an open proxy.
import { CoreError } from '../errors.js'
import type { FilesRepo } from '../files/repo.js'
import { detectMime } from '../files/mime.js'
import type { GatewayPath } from './path.js'

export interface ObjectTarget {
  kind: 'object'
  /** The uploaded CID the request named; views and pins are counted on it. */
  root: string
  cid: string
  name: string
  size: number
  mime: string
  objectKey: string
  /** The root is pinned in Kubo (no pin job needed). */
  inKubo: boolean
  /** Where the bytes are (files/placement.ts): 'kubo' is read from Kubo's gateway by the entry's own CID. */
  location: 'store' | 'kubo'
}

export interface ListingTarget {
  kind: 'listing'
  root: string
  /** The folder's path below the root, '/'-joined (from clean segments). */
  path: string
  entries: Array<{ name: string; size: number; dir: boolean }>
}

export interface KuboTarget {
  kind: 'kubo'
  root: string
  segments: readonly string[]
  /** Set when the root is an upload (then it must be pinned before Kubo can serve it). */
  upload: boolean
}

export type Target = ObjectTarget | ListingTarget | KuboTarget

export interface ResolveDeps {
  repo: FilesRepo
  /** Whether a pin object needs content with this multihash (hex). */
  pinnedByAccount(multihash: string): boolean
  /** Whether the CID's blob is a CAR (its DAG is served from Kubo, see files/car/index.ts). */
  isCar?(cid: string): boolean
}

/** What a parsed gateway path names; the segments are clean (see path.ts), never raw request text. */
export function resolve(
  deps: ResolveDeps,
  { cid, multihash, segments }: GatewayPath,
  options: { allowPrivate?: boolean } = {},
): Target {
  const path = segments.join('/')
  // Private records are invisible to the open gateway, as if unknown; a signed link (links/) may see them.
  const row = deps.repo.rowsByCid(cid).find((r) => options.allowPrivate || !r.private)
  if (!row) {
    if (deps.pinnedByAccount(multihash)) return { kind: 'kubo', root: cid, segments, upload: false }
    throw notFound(cid)
  }
  if (deps.isCar?.(cid)) return { kind: 'kubo', root: cid, segments, upload: true }
  const inKubo = row.state === 'pinned'
  const object = (entryCid: string, name: string): ObjectTarget => {
    const blob = deps.repo.blob(entryCid)
    if (!blob) throw notFound(entryCid)
    const mime = deps.repo.rowsByCid(entryCid)[0]?.mime ?? detectMime(new Uint8Array(0), name)
    const location = blob.location ?? 'store'
    return { kind: 'object', root: cid, cid: entryCid, name, size: blob.size, mime, objectKey: blob.object_key, inKubo, location }
  }
  if (row.kind === 'file') {
    if (path) throw notFound(`${cid}/${path}`)
    return object(cid, row.name)
  }
  const entries = deps.repo.entries(cid)
  const exact = entries.find((e) => e.path === path)
  if (exact) return object(exact.cid, path.split('/').pop()!)
  const prefix = path ? path + '/' : ''
  const below = entries.filter((e) => e.path.startsWith(prefix))
  if (!below.length) throw notFound(`${cid}/${path}`)
  const index = below.find((e) => e.path === prefix + 'index.html')
  if (index) return object(index.cid, 'index.html')
  const children = new Map<string, { name: string; size: number; dir: boolean }>()
  for (const e of below) {
    const rest = e.path.slice(prefix.length)
    const name = rest.split('/')[0]!
    const dir = rest.includes('/')
    const child = children.get(name) ?? { name, size: 0, dir }
    child.size += e.size
    children.set(name, child)
  }
  return {
    kind: 'listing',
    root: cid,
    path,
    entries: [...children.values()].sort((a, b) => Number(b.dir) - Number(a.dir) || a.name.localeCompare(b.name)),
  }
}

const notFound = (what: string) => new CoreError('NOT_FOUND', `${what} is not on this gateway`)
