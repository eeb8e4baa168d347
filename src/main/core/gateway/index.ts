// The gateway: `/api/gateway/{cid}[/path]` with no key. Uploads are served from Kubo once pinned, else
// from the object store while a background job pins them (the first access is the pin request); folders
// get a listing page or their index.html; content another account pinned comes from Kubo's loopback
// gateway (which has NoFetch: it never fetches from the network). Every access counts in views.
import { Readable } from 'node:stream'
import { CoreError } from '../errors.js'
import type { Pinner } from '../files/pinner.js'
import type { FilesRepo } from '../files/repo.js'
import type { Logger } from '../log.js'
import type { ObjectStore } from '../minio/store.js'
import { listingHtml } from './listing.js'
import { parseRange } from './range.js'
import { resolve, type KuboTarget, type ObjectTarget, type Target } from './resolve.js'

export const GATEWAY_PATH = '/api/gateway'

export interface GatewayRequest {
  method: 'GET' | 'HEAD'
  cid: string
  path: string
  format?: 'raw' | 'car'
  filename?: string
  download?: boolean
  range?: string
  ifNoneMatch?: string
}

export interface GatewayResponse {
  status: number
  headers: Record<string, string>
  body?: Readable | string
}

export interface GatewayInit {
  repo: FilesRepo
  pinner: Pick<Pinner, 'ensurePinned'>
  store: ObjectStore
  kuboGatewayUrl(): string
  pinnedByAccount(multihash: string): boolean
  /** TACK_GATEWAY_REDIRECT: answer with a redirect to this public gateway instead of the bytes. */
  redirect?: string
  log: Logger
}

export interface Gateway {
  serve(request: GatewayRequest): Promise<GatewayResponse>
}

const IMMUTABLE = 'public, max-age=29030400, immutable'

export function createGateway(init: GatewayInit): Gateway {
  const { repo, log } = init
  const pinLater = (cid: string) => void init.pinner.ensurePinned(cid).catch(() => {})

  return {
    async serve(req) {
      let target: Target = resolve({ repo, pinnedByAccount: init.pinnedByAccount }, req.cid, req.path)
      const upload = target.kind !== 'kubo' || target.upload
      // A range past the start is the same view continuing (a video seeking): count it once.
      if (!req.range || /^bytes=0-/.test(req.range)) repo.touch(target.root)
      if (upload) pinLater(target.root)
      if (init.redirect) {
        const base = init.redirect.replace(/\/+$/, '')
        const location = `${base}/ipfs/${target.root}${target.kind === 'object' || target.kind === 'kubo' ? suffix(req.path) : ''}`
        return { status: 302, headers: { location, 'cache-control': 'no-store' } }
      }
      if (req.format) {
        // Blocks and CARs come from Kubo, so an upload must be pinned first.
        if (upload) await init.pinner.ensurePinned(target.root)
        target = {
          kind: 'kubo',
          root: target.root,
          path: target.kind === 'kubo' ? target.path : req.path.replace(/^\/+/, ''),
          upload,
        }
      }
      const etag = `"${target.kind === 'object' ? target.cid : target.root}${req.format ? '.' + req.format : ''}"`
      if (req.ifNoneMatch && req.ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))
        return { status: 304, headers: { etag, 'cache-control': IMMUTABLE } }
      if (target.kind === 'listing') {
        const html = listingHtml(target, GATEWAY_PATH)
        return {
          status: 200,
          headers: { ...common(etag), 'content-type': 'text/html; charset=utf-8' },
          body: req.method === 'HEAD' ? undefined : html,
        }
      }
      if (target.kind === 'kubo') return fromKubo(target, req, etag)
      return serveObject(target, req, etag)
    },
  }

  async function serveObject(t: ObjectTarget, req: GatewayRequest, etag: string): Promise<GatewayResponse> {
    const range = parseRange(req.range, t.size)
    const headers: Record<string, string> = {
      ...common(etag),
      'content-type': t.mime,
      'accept-ranges': 'bytes',
      'content-length': String(range ? range.end - range.start + 1 : t.size),
      'x-ipfs-path': `/ipfs/${t.root}${suffix(req.path)}`,
      ...disposition(req, t.name),
    }
    if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${t.size}`
    const status = range ? 206 : 200
    if (req.method === 'HEAD' || t.size === 0) return { status, headers, body: req.method === 'HEAD' ? undefined : '' }
    if (t.inKubo) {
      try {
        const res = await kuboFetch(`/ipfs/${t.cid}`, range ? `bytes=${range.start}-${range.end}` : undefined)
        if (res.ok && res.body) return { status, headers, body: Readable.fromWeb(res.body as never) }
        await res.body?.cancel()
      } catch (err) {
        log.warn('Kubo gateway failed; serving from the object store', { cid: t.cid, error: String(err) })
      }
    }
    return { status, headers, body: await init.store.read(t.objectKey, range) }
  }

  async function fromKubo(t: KuboTarget, req: GatewayRequest, etag: string): Promise<GatewayResponse> {
    const path = `/ipfs/${t.root}${suffix(t.path)}${req.format ? `?format=${req.format}` : ''}`
    const res = await kuboFetch(path, req.range, req.method)
    if (res.status === 404 || res.status === 504 || res.status >= 500) {
      await res.body?.cancel()
      throw new CoreError('NOT_FOUND', `${t.root}${suffix(t.path)} is not available on this node`)
    }
    const headers: Record<string, string> = { ...common(etag), ...disposition(req, t.path.split('/').pop() || t.root) }
    for (const h of ['content-type', 'content-length', 'content-range', 'accept-ranges', 'x-ipfs-path']) {
      const v = res.headers.get(h)
      if (v) headers[h] = v
    }
    if (req.format) headers['x-content-type-options'] = 'nosniff'
    const body = req.method === 'HEAD' || !res.body ? undefined : Readable.fromWeb(res.body as never)
    return { status: res.status === 206 ? 206 : res.status === 416 ? 416 : 200, headers, body }
  }

  async function kuboFetch(path: string, range?: string, method = 'GET'): Promise<Response> {
    try {
      return await fetch(init.kuboGatewayUrl() + path, { method, headers: range ? { range } : {}, redirect: 'manual' })
    } catch (err) {
      throw new CoreError('SERVICE_UNAVAILABLE', `Kubo's gateway is not reachable: ${(err as Error).message}`)
    }
  }
}

const suffix = (path: string) => {
  const clean = path.split('/').filter(Boolean).map(encodeURIComponent).join('/')
  return clean ? '/' + clean : ''
}

/** Headers on every success. The sandbox keeps uploaded HTML from acting as Tack's own origin (its UI). */
function common(etag: string): Record<string, string> {
  return {
    etag,
    'cache-control': IMMUTABLE,
    'x-content-type-options': 'nosniff',
    'content-security-policy': 'sandbox allow-scripts allow-forms allow-popups allow-downloads allow-modals',
    'access-control-allow-origin': '*',
  }
}

function disposition(req: GatewayRequest, name: string): Record<string, string> {
  const filename = req.filename || (req.download ? name : undefined)
  if (!filename && !req.download) return {}
  const type = req.download ? 'attachment' : 'inline'
  const ascii = (filename ?? name).replace(/[^\x20-\x7e]|["\\]/g, '_')
  return {
    'content-disposition': `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename ?? name)}`,
  }
}
