// The gateway: `/api/gateway/{cid}[/path]` with no key. Uploads are served from where their bytes are
// (files/placement.ts): the object store until pinned (the first access is the pin request, run by a
// background job), Kubo's gateway once pinned (by the file's own CID); folders
// get a listing page or their index.html; content another account pinned comes from Kubo's loopback
// gateway (which has NoFetch: it never fetches from the network). Every access counts in views.
// The request's `{cid}/{path}` is parsed once (path.ts); everything below works on those clean parts, and
// the only thing of Kubo's ever asked for is `/ipfs/<that cid>/...` on its gateway.
// The gateway says what to send (a BodySource: bytes, an object in the store, an address on Kubo's gateway);
// how the body leaves is the HTTP layer's decision alone (http/ship.ts).
// Kubo's gateway is read with node:http over a keep-alive agent and its body handed on as it is, through the
// Unix socket it listens on (kubo/repo.ts: only Tack can reach it there), a port only on Windows.
// Measured (bench/upload.ts, 1 GiB pinned and 4 KiB files): fetch + Readable.fromWeb cost more CPU per GiB
// than Kubo spent serving it (0.5× Kubo's gateway) and ~1.5 ms per small file; a plain IncomingMessage
// piped to the client does neither.
import { Agent, request, type IncomingMessage } from 'node:http'
import type { Readable } from 'node:stream'
import { CoreError } from '../errors.js'
import type { Pinner } from '../files/pinner.js'
import type { FilesRepo } from '../files/repo.js'
import type { Logger } from '../log.js'
import type { ObjectStore } from '../object-store/store.js'
import { listingHtml } from './listing.js'
import { etagFor, ipfsUrl, parseGatewayPath, type GatewayPath } from './path.js'
import { parseRange, type ByteRange } from './range.js'
import { resolve, type KuboTarget, type ObjectTarget, type Target } from './resolve.js'

export const GATEWAY_PATH = '/api/gateway'

export interface GatewayRequest {
  method: 'GET' | 'HEAD'
  /** The `{cid}` and `{path}` parameters as the router decoded them; parsed and checked here. */
  cid: string
  path: string
  format?: 'raw' | 'car'
  filename?: string
  download?: boolean
  range?: string
  ifNoneMatch?: string
  /** Set by a signed link (links/) once its signature checked out: private records may be served. */
  signed?: boolean
}

export interface GatewayResponse {
  status: number
  headers: Record<string, string>
  /** None for HEAD, 304 and redirects. */
  body?: BodySource
}

/**
 * What a body is, for the HTTP layer to ship (http/ship.ts): bytes in hand, or the bytes `length` long at
 * an address Tack can read again (a range of an object in the store; a URL on Kubo's gateway, asked with
 * `range` as sent), which may be sent without passing through Node.
 */
export type BodySource = { kind: 'bytes'; body: Buffer | string } | StoredBody

export type StoredBody = (
  { kind: 'object'; key: string; range?: ByteRange } | { kind: 'kubo'; url: URL; range?: string }
) & {
  /** Body bytes: the Content-Length of the head (NaN when Kubo gave none). */
  length: number
  /** The same bytes read through Node. */
  open(): Promise<Readable>
  /** The bytes went another way (called at once): a body already open for Node is let go. */
  taken?(): void
  /** The bytes that went another way are sent, or their sending ended early with `error`. */
  done?(outcome: { sent: number; error?: string }): void
}

export interface GatewayInit {
  repo: FilesRepo
  pinner: Pick<Pinner, 'ensurePinned' | 'pinSoon'>
  store: ObjectStore
  kuboGatewayUrl(): string
  /** The Unix socket Kubo's gateway listens on; undefined where it is on the port in kuboGatewayUrl (Windows). */
  kuboGatewaySocket(): string | undefined
  pinnedByAccount(multihash: string): boolean
  /** CAR uploads: served from Kubo once imported (files/car/index.ts). */
  isCar?(cid: string): boolean
  /** TACK_GATEWAY_REDIRECT: answer with a redirect to this public gateway instead of the bytes. */
  redirect?: string
  /** Keeps an object being read from being removed meanwhile (files/placement.ts: holdForRead). */
  holdForRead?(key: string): () => void
  log: Logger
}

export interface Gateway {
  serve(request: GatewayRequest): Promise<GatewayResponse>
}

const IMMUTABLE = 'public, max-age=29030400, immutable'
/**
 * Files up to SMALL_FILE are answered from memory after their first read. Measured (bench/upload.ts, 4 KiB
 * files): Tack's own HTTP work is ~0.3 ms and Kubo's gateway answers in ~0.35–0.5 ms, so any file fetched
 * from Kubo (or MinIO) per request costs ≥ 0.6 ms over Kubo's own gateway; from memory it is ~0.1–0.3 ms.
 * A cached file is only ever served after resolve() found it public (or signed) for this request, so a
 * deleted or private file is never answered from here.
 */
const SMALL_FILE = 64 * 1024
const SMALL_CACHE_BYTES = 16 * 1024 * 1024
/** How long Kubo's gateway has to answer a request's head (it never fetches: NoFetch). */
const KUBO_HEAD_TIMEOUT_MS = 30_000
/** The longest a first read from the object store holds its upload's pin back. */
const PIN_AFTER_MS = 10_000

export function createGateway(init: GatewayInit): Gateway {
  const { repo, log } = init
  const pinLater = (cid: string) => init.pinner.pinSoon(cid)
  // Kubo's gateway is on this machine; connections kept open between requests save a connect per file.
  const agent = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 })
  // Small files by CID (content-addressed, so never stale); Map order is recency (see readSmall).
  const small = new Map<string, Buffer>()
  let smallBytes = 0

  return {
    async serve(req) {
      const asked = parseGatewayPath(req.cid, req.path)
      const target: Target = resolve({ repo, pinnedByAccount: init.pinnedByAccount, isCar: init.isCar }, asked, {
        allowPrivate: req.signed,
      })
      // Held from the moment the store was found to hold the bytes (no await in between) until they are read.
      const release =
        target.kind === 'object' && target.location === 'store' ? init.holdForRead?.(target.objectKey) : undefined
      if (!release) return respond(req, asked, target)
      try {
        return releasedAfter(await respond(req, asked, target), release)
      } catch (err) {
        release()
        throw err
      }
    },
  }

  /** The answer's body, once read (by Node or by the relay) or let go, releases the hold on its object. */
  function releasedAfter(res: GatewayResponse, release: () => void): GatewayResponse {
    const body = res.body
    if (!body || body.kind === 'bytes') {
      release()
      return res
    }
    const { open, done } = body
    return {
      ...res,
      body: {
        ...body,
        done: (outcome) => {
          release()
          done?.(outcome)
        },
        open: async () => {
          try {
            const stream = await open()
            stream.once('close', release)
            return stream
          } catch (err) {
            release()
            throw err
          }
        },
      },
    }
  }

  async function respond(req: GatewayRequest, asked: GatewayPath, resolved: Target): Promise<GatewayResponse> {
    let target = resolved
    const upload = target.kind !== 'kubo' || target.upload
    // A range past the start is the same view continuing (a video seeking): count it once.
    // Counted after this turn of the event loop: the write need not delay the first byte.
    const root = target.root
    if (!req.range || /^bytes=0-/.test(req.range))
      setImmediate(() => {
        try {
          repo.touch(root)
        } catch {
          /* the database closed in between (Tack stopping): one view less */
        }
      })
    // An upload read from the object store is pinned once that read is over (or PIN_AFTER_MS passed):
    // the pin job reads the same object and feeds Kubo, and running both at once halved the first read
    // (bench/upload.ts: 0.1–0.2× a plain S3 GET of the object with the job running beside it).
    const readFromStore = target.kind === 'object' && !target.inKubo && req.method === 'GET' && !init.redirect
    if (upload && !readFromStore) pinLater(target.root)
    if (init.redirect) {
      const location = ipfsUrl(init.redirect, { cid: target.root, segments: asked.segments }).href
      return { status: 302, headers: { location, 'cache-control': 'no-store' } }
    }
    // A CAR upload's DAG is only in Kubo: it must be imported before anything is served.
    if (!req.format && target.kind === 'kubo' && target.upload) await init.pinner.ensurePinned(target.root)
    if (req.format) {
      // Blocks and CARs come from Kubo, so an upload must be pinned first.
      if (upload) await init.pinner.ensurePinned(target.root)
      target = { kind: 'kubo', root: target.root, segments: asked.segments, upload }
    }
    const etag = etagOf(target, asked, req.format)
    if (req.ifNoneMatch && req.ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
      if (readFromStore) pinLater(target.root)
      return { status: 304, headers: { etag, 'cache-control': IMMUTABLE } }
    }
    if (target.kind === 'listing') {
      const html = listingHtml(target, GATEWAY_PATH)
      return {
        status: 200,
        headers: { ...common(etag), 'content-type': 'text/html; charset=utf-8' },
        body: req.method === 'HEAD' ? undefined : { kind: 'bytes', body: html },
      }
    }
    if (target.kind === 'kubo') return fromKubo(target, req, etag)
    return serveObject(target, req, asked, etag)
  }

  async function serveObject(
    t: ObjectTarget,
    req: GatewayRequest,
    asked: GatewayPath,
    etag: string,
  ): Promise<GatewayResponse> {
    const range = parseRange(req.range, t.size)
    const headers: Record<string, string> = {
      ...common(etag),
      'content-type': t.mime,
      'accept-ranges': 'bytes',
      'content-length': String(range ? range.end - range.start + 1 : t.size),
      'x-ipfs-path': ipfsPath(asked),
      ...disposition(req, t.name),
    }
    if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${t.size}`
    const status = range ? 206 : 200
    if (req.method === 'HEAD' || t.size === 0) {
      if (!t.inKubo) pinLater(t.root)
      return { status, headers, body: req.method === 'HEAD' ? undefined : { kind: 'bytes', body: '' } }
    }
    if (t.size <= SMALL_FILE) {
      const bytes = small.get(t.cid) ?? (await readSmall(t))
      return {
        status,
        headers,
        body: { kind: 'bytes', body: range ? bytes.subarray(range.start, range.end + 1) : bytes },
      }
    }
    const shipped = {
      length: range ? range.end - range.start + 1 : t.size,
      open: () => open(t, range),
      done: (outcome: { sent: number; error?: string }) => {
        if (outcome.error) log.debug('relayed read ended early', { cid: t.cid, ...outcome })
        if (!t.inKubo) pinLater(t.root)
      },
    }
    // An upload's bytes are where they are: the object store, or (once pinned: one copy) Kubo's gateway.
    if (t.location === 'store')
      return { status, headers, body: { kind: 'object', key: t.objectKey, range, ...shipped } }
    const url = ipfsUrl(init.kuboGatewayUrl(), { cid: t.cid, segments: [] })
    const asRange = range ? `bytes=${range.start}-${range.end}` : undefined
    return { status, headers, body: { kind: 'kubo', url, range: asRange, ...shipped } }
  }

  /** An upload's bytes read through Node, from where they are. */
  async function open(t: ObjectTarget, range?: ByteRange): Promise<Readable> {
    if (t.location === 'kubo') {
      const url = ipfsUrl(init.kuboGatewayUrl(), { cid: t.cid, segments: [] })
      const res = await kuboGet(url, range ? `bytes=${range.start}-${range.end}` : undefined)
      if (res.statusCode === (range ? 206 : 200)) return res
      res.resume()
      throw new CoreError('NOT_FOUND', `${t.cid} is not available on this node`)
    }
    const body = await init.store.read(t.objectKey, range)
    if (t.inKubo) return body
    const timer = setTimeout(() => pinLater(t.root), PIN_AFTER_MS)
    timer.unref()
    body.once('close', () => {
      clearTimeout(timer)
      pinLater(t.root)
    })
    return body
  }

  /** Reads a small file whole and keeps it (least recently used out first, SMALL_CACHE_BYTES in all). */
  async function readSmall(t: ObjectTarget): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const chunk of await open(t)) chunks.push(chunk as Buffer)
    const bytes = Buffer.concat(chunks)
    if (bytes.length !== t.size) throw new Error(`${t.cid}: read ${bytes.length} of ${t.size} bytes`)
    small.set(t.cid, bytes)
    smallBytes += bytes.length
    for (const [cid, old] of small) {
      if (smallBytes <= SMALL_CACHE_BYTES) break
      small.delete(cid)
      smallBytes -= old.length
    }
    return bytes
  }

  async function fromKubo(t: KuboTarget, req: GatewayRequest, etag: string): Promise<GatewayResponse> {
    const url = ipfsUrl(
      init.kuboGatewayUrl(),
      { cid: t.root, segments: t.segments },
      req.format ? { format: req.format } : {},
    )
    const missing = () =>
      new CoreError('NOT_FOUND', `${ipfsPath({ cid: t.root, segments: t.segments })} is not available on this node`)
    let res = await kuboGet(url, req.range, req.method)
    try {
      const code = () => res.statusCode ?? 502
      if (code() >= 300 && code() < 400) {
        // Kubo sends a folder to its path with a trailing slash. That one redirect is followed; any other
        // would leave the path that was asked for.
        const to = new URL(res.headers.location ?? '', url)
        res.resume()
        if (to.origin !== url.origin || to.pathname !== url.pathname + '/') throw missing()
        url.pathname += '/'
        res = await kuboGet(url, req.range, req.method)
      }
      if ((code() < 200 || code() >= 300) && code() !== 416) {
        res.resume()
        throw missing()
      }
      const headers: Record<string, string> = { ...common(etag), ...disposition(req, t.segments.at(-1) ?? t.root) }
      for (const h of ['content-type', 'content-length', 'content-range', 'accept-ranges', 'x-ipfs-path']) {
        const v = res.headers[h]
        if (typeof v === 'string' && v) headers[h] = v
      }
      if (req.format) headers['x-content-type-options'] = 'nosniff'
      const status = code() === 206 ? 206 : code() === 416 ? 416 : 200
      if (req.method === 'HEAD') {
        res.resume()
        return { status, headers }
      }
      // The body may be sent by asking Kubo again for the same immutable bytes; this answer is then let go.
      const body = res
      return {
        status,
        headers,
        body: {
          kind: 'kubo',
          url,
          range: req.range,
          length: Number(res.headers['content-length']),
          open: async () => body,
          taken: () => body.destroy(),
        },
      }
    } catch (err) {
      // Unread, the answer would keep its pooled socket from the agent for good (one resumed is drained).
      if (res.readableFlowing !== true) res.destroy()
      throw err
    }
  }

  /** One request to Kubo's gateway; resolves with its answer once the headers are in (redirects not followed). */
  function kuboGet(url: URL, range?: string, method = 'GET'): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const socketPath = init.kuboGatewaySocket()
      const req = request(url, { method, agent, socketPath, headers: range ? { range } : {} }, (res) => {
        clearTimeout(timer)
        resolve(res)
      })
      // Only the head is timed: a body may rightly pause as long as its reader does.
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer in ${KUBO_HEAD_TIMEOUT_MS / 1000} s`)),
        KUBO_HEAD_TIMEOUT_MS,
      )
      req.on('error', (err) => {
        clearTimeout(timer)
        reject(new CoreError('SERVICE_UNAVAILABLE', `Kubo's gateway is not reachable: ${err.message}`))
      })
      req.end()
    })
  }
}

const ipfsPath = (p: Pick<GatewayPath, 'cid' | 'segments'>) => ipfsUrl('http://x', p).pathname

/** Names what is served: an uploaded file's own CID, else the root and the path below it. */
function etagOf(target: Target, asked: GatewayPath, format: string | undefined): string {
  if (target.kind === 'object') return etagFor(target.cid, [], format)
  if (target.kind === 'kubo') return etagFor(target.root, target.segments, format)
  return etagFor(target.root, asked.segments, format)
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
