// A small client for Kubo's RPC API (POST /api/v0/...). Only what Tack uses; each domain asks for the
// narrowest slice it needs (`Pick<KuboClient, 'pinAdd'>`).
// Hand-written rather than on kubo-rpc-client 7.1 (the client the design names), for measured reasons
// (on this 2-core machine, the same Kubo, 500 calls each after a warm-up): importing it costs
// 0.3–0.7 s and +27 MiB RSS in the process, paid by every `tack serve` as soon as any call goes through it;
// per call it was slower (version 0.84 vs 0.70 ms, pin ls of one CID 1.47 vs 0.53 ms, block stat 0.87 vs
// 0.64 ms); its pin.add cannot report Kubo's progress lines (it parses every line as a CID); it has no
// dag/stat; and its add goes through fetch, which pulled a 1 GiB body into memory (see stream-post.ts).
// Revisit when those change: the KuboClient interface below is what every domain depends on.
import { CoreError } from '../errors.js'
import { streamPost } from './stream-post.js'
import { ADD_ARGS, addInit, type AddedEntry, type AddEntry, type AddOptions } from './add.js'

export interface KuboId {
  ID: string
  Addresses: string[]
  AgentVersion: string
}

export interface PinProgress {
  /** Blocks fetched so far. */
  progress?: number
  pinned: boolean
}

export interface KuboClient {
  id(signal?: AbortSignal): Promise<KuboId>
  version(): Promise<string>
  /**
   * Pins recursively, reporting progress; resolves when the whole DAG is pinned. `offline` never fetches:
   * a block missing locally fails the call at once (what a pin made under the GC gate needs).
   */
  pinAdd(
    cid: string,
    onProgress?: (blocks: number) => void,
    signal?: AbortSignal,
    options?: { offline?: boolean },
  ): Promise<void>
  pinRm(cid: string): Promise<void>
  /** The recursive pins Kubo holds, as CIDv1 base32 strings' multihash keys are compared by the caller. */
  pinLsRecursive(): Promise<string[]>
  isPinned(cid: string): Promise<boolean>
  swarmConnect(addr: string, signal?: AbortSignal): Promise<void>
  /**
   * Size in bytes of the whole DAG, counting only blocks present locally when offline is true. `onSize` is
   * told the bytes walked so far after each block (Kubo fetches the blocks it lacks, one after another).
   */
  dagSize(
    cid: string,
    opts?: { offline?: boolean; signal?: AbortSignal; onSize?: (bytes: number) => void },
  ): Promise<number>
  /** Whether the root block is present locally (never fetches). */
  hasBlock(cid: string): Promise<boolean>
  peerCount(): Promise<number>
  /** `repo gc`: removes every block no pin holds; resolves with how many were removed. */
  repoGc(signal?: AbortSignal): Promise<number>
  /** `ipfs add --cid-version=1` of streamed entries (not pinned); every added entry, the root last. */
  add(entries: AsyncIterable<AddEntry>, options?: AddOptions): Promise<AddedEntry[]>
  /** The raw call, for the rare thing not listed here. */
  call(path: string, args?: Record<string, string | string[]>, init?: CallInit): Promise<Response>
}

const NO_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} }

export interface CallInit {
  signal?: AbortSignal
  /** A stream is sent with backpressure (see stream-post.ts); a small FormData goes through fetch. */
  body?: AsyncIterable<Uint8Array> | FormData
  headers?: Record<string, string>
}

/**
 * `authorization` gives the `Authorization` header for a Kubo whose RPC is locked (`API.Authorizations`);
 * it is sent on every call. Without it the client talks to an open RPC (a test's own Kubo). `socketPath`,
 * when it gives a path, is the Unix socket the RPC listens on (apiUrl then only names the host).
 */
export function createKuboClient(
  apiUrl: () => string,
  authorization?: () => string,
  socketPath?: () => string | undefined,
): KuboClient {
  async function call(path: string, args: Record<string, string | string[]> = {}, init: CallInit = {}) {
    const url = new URL(`${apiUrl()}/api/v0/${path}`)
    for (const [k, v] of Object.entries(args)) for (const one of [v].flat()) url.searchParams.append(k, one)
    const headers: Record<string, string> = {
      ...init.headers,
      ...(authorization ? { authorization: authorization() } : {}),
    }
    const socket = socketPath?.()
    let res: Response
    try {
      if (socket) {
        // fetch has no Unix sockets: node:http carries every call, a form as the body fetch would send.
        const form = init.body instanceof FormData ? new Response(init.body) : undefined
        if (form) headers['content-type'] = form.headers.get('content-type')!
        const body = form?.body ?? (init.body instanceof FormData ? undefined : init.body) ?? NO_BODY
        res = await streamPost(url, body as AsyncIterable<Uint8Array>, {
          headers,
          signal: init.signal,
          socketPath: socket,
        })
      } else
        res =
          init.body && !(init.body instanceof FormData)
            ? await streamPost(url, init.body, { headers, signal: init.signal })
            : await fetch(url, { method: 'POST', signal: init.signal, headers, body: init.body })
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err
      throw new CoreError('SERVICE_UNAVAILABLE', `Kubo is not reachable: ${(err as Error).message}`, { cause: err })
    }
    if (!res.ok) {
      const text = await res.text()
      let message = text
      try {
        message = (JSON.parse(text) as { Message?: string }).Message ?? text
      } catch {
        /* not JSON */
      }
      throw new KuboRpcError(path, res.status, message.trim())
    }
    return res
  }

  const json = async <T>(path: string, args?: Record<string, string | string[]>, init?: CallInit) =>
    (await (await call(path, args, init)).json()) as T

  const client: KuboClient = {
    call,
    id: (signal) => json<KuboId>('id', {}, { signal }),
    version: async () => (await json<{ Version: string }>('version')).Version,
    async pinAdd(cid, onProgress, signal, options = {}) {
      // Kubo 0.43 (boxo's doPinRecursive) answers `pin add` of content it already pins by removing that pin,
      // walking the DAG unlocked, and pinning again: meanwhile the content is unpinned, and a call cut short
      // leaves it so for good. A recursive pin exists only for a complete DAG, so there is nothing to add.
      if (await client.isPinned(cid).catch(() => false)) return
      const args = { arg: cid, recursive: 'true', progress: 'true', ...(options.offline ? { offline: 'true' } : {}) }
      const res = await call('pin/add', args, { signal })
      for await (const msg of ndjson<{ Progress?: number; Pins?: string[] }>(res)) {
        if (msg.Progress !== undefined) onProgress?.(msg.Progress)
      }
    },
    async pinRm(cid) {
      try {
        await call('pin/rm', { arg: cid, recursive: 'true' })
      } catch (err) {
        if (err instanceof KuboRpcError && /not pinned/.test(err.message)) return
        throw err
      }
    },
    async pinLsRecursive() {
      const res = await call('pin/ls', { type: 'recursive', stream: 'true' })
      const cids: string[] = []
      for await (const msg of ndjson<{ Cid: string }>(res)) cids.push(msg.Cid)
      return cids
    },
    async isPinned(cid) {
      try {
        await call('pin/ls', { arg: cid, type: 'recursive' })
        return true
      } catch (err) {
        if (err instanceof KuboRpcError && /not pinned/.test(err.message)) return false
        throw err
      }
    },
    async swarmConnect(addr, signal) {
      await call('swarm/connect', { arg: addr }, { signal })
    },
    async dagSize(cid, opts = {}) {
      const args: Record<string, string> = { arg: cid, progress: String(Boolean(opts.onSize)) }
      if (opts.offline) args.offline = 'true'
      const res = await call('dag/stat', args, { signal: opts.signal })
      let size = 0
      for await (const msg of ndjson<{ TotalSize?: number; DagStats?: Array<{ Size: number }> }>(res)) {
        size = msg.TotalSize ?? msg.DagStats?.reduce((sum, s) => sum + s.Size, 0) ?? size
        opts.onSize?.(size)
      }
      return size
    },
    async hasBlock(cid) {
      try {
        await call('block/stat', { arg: cid, offline: 'true' })
        return true
      } catch (err) {
        if (err instanceof KuboRpcError) return false
        throw err
      }
    },
    async add(entries, options = {}) {
      const args = { ...ADD_ARGS, 'wrap-with-directory': String(Boolean(options.wrapWithDirectory)) }
      const res = await call('add', args, addInit(entries, options.signal))
      const added: AddedEntry[] = []
      for await (const msg of ndjson<AddedEntry>(res)) if (msg.Hash) added.push(msg)
      return added
    },
    async repoGc(signal) {
      const res = await call('repo/gc', { 'stream-errors': 'true' }, { signal })
      let removed = 0
      for await (const msg of ndjson<{ Key?: { '/': string }; Error?: string }>(res)) {
        if (msg.Error) throw new KuboRpcError('repo/gc', 500, msg.Error)
        if (msg.Key) removed++
      }
      return removed
    },
    async peerCount() {
      const res = await json<{ Peers: unknown[] | null }>('swarm/peers')
      return res.Peers?.length ?? 0
    },
  }
  return client
}

export class KuboRpcError extends Error {
  override readonly name = 'KuboRpcError'
  constructor(
    readonly path: string,
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** Kubo streams newline-delimited JSON; errors mid-stream arrive as `{"Message":..,"Type":"error"}`. */
async function* ndjson<T>(res: Response): AsyncGenerator<T> {
  if (!res.body) return
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true })
    let nl: number
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim()
      buffer = buffer.slice(nl + 1)
      if (line) yield parseLine<T>(line)
    }
  }
  if (buffer.trim()) yield parseLine<T>(buffer.trim())
}

function parseLine<T>(line: string): T {
  const msg = JSON.parse(line) as T & { Type?: string; Message?: string }
  if (msg.Type === 'error') throw new KuboRpcError('stream', 500, msg.Message ?? 'error')
  return msg
}
