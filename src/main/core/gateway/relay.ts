// Large gateway bodies leave Node. Measured (bench/relay-cpu.ts, 512 MiB from MinIO, two cores): Tack's own
// process spent 0.6–1.6 CPU-s relaying a read and reached 343–397 MiB/s while MinIO alone served 725–804;
// a relay that splices (tack-launcher relay, tools/launcher/relay.go) spent 0.2 CPU-s and reached 654–707.
// So once a request is checked and its response decided, Tack writes nothing itself: the client's socket
// goes to the relay over Node's IPC channel (child_process.send with a handle), with the response head
// and the upstream request that gives the body. The relay answers, closes the connection (`Connection:
// close` is in the head) and reports how many body bytes went out. Large raw uploads go the same way
// (http/relay-upload.ts): the relay reads the body, computes the CID and streams it to the store, and writes
// the answer Tack sends back.
// Unix only (Node passes sockets differently on Windows); where the relay is missing or has died, the
// caller serves the body through Node as before.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http'
import { Socket } from 'node:net'
import { CoreError } from '../errors.js'
import type { Logger } from '../log.js'

/** An HTTP/1.1 request the relay makes (to a loopback upstream). */
export interface RawRequest {
  /** host:port */
  addr: string
  /** The request line and headers, ending with the blank line. */
  request: string
}

/** The request line and headers of `method url`, closing the connection after; headers are 'Name: value'. */
export function rawRequest(method: string, url: URL, headers: string[]): RawRequest {
  for (const h of headers)
    if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(h)) throw new CoreError('BAD_REQUEST', 'invalid header')
  const lines = [
    `${method} ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    'Connection: close',
    ...headers,
  ]
  return { addr: `${url.hostname}:${url.port || '80'}`, request: lines.join('\r\n') + '\r\n\r\n' }
}

/** A raw request whose answer is the body of a response Tack has decided. */
export interface Upstream extends RawRequest {
  /** What the upstream must answer (status, Content-Length) for the head Tack wrote to be true. */
  status: number
  length: number
}

export interface RelayOutcome {
  /** Body bytes the client was sent. */
  sent: number
  error?: string
}

export interface Relay {
  start(): Promise<void>
  stop(): Promise<void>
  /** True when socket can be handed over now. */
  accepts(socket: unknown): socket is Socket
  /**
   * Hands socket over: the relay sends head, then upstream's body (or `fail` when the upstream does not
   * answer as promised). Resolves once it is done with the socket.
   */
  handOff(socket: Socket, job: { head: string; fail: string; upstream: Upstream }): Promise<RelayOutcome>
  /**
   * Hands socket over for an upload (tools/launcher/upload.go): the relay sends the body (`buffered`, then
   * the rest of `length` bytes from the socket) to `put`, a PUT of exactly that size, computing the CID on the
   * way. `received` resolves once the store has the bytes; `respond` then gives the relay the response to send.
   */
  upload(
    socket: Socket,
    job: { buffered: Buffer; length: number; put: RawRequest },
  ): { received: Promise<{ cid: string; head: Buffer }>; respond(response: string): void }
}

type FromRelay =
  | { type: 'relay-done'; id: number; sent: number; error?: string }
  | { type: 'upload-done'; id: number; cid?: string; head?: string; error?: string }

interface Received {
  resolve(value: { cid: string; head: Buffer }): void
  reject(err: Error): void
}

export function createRelay(init: { launcher?: string; log: Logger }): Relay {
  const { log } = init
  let child: ChildProcess | undefined
  let nextId = 0
  const pending = new Map<number, (outcome: RelayOutcome) => void>()
  const uploads = new Map<number, Received>()
  const endAll = (error: string) => {
    for (const [id, resolve] of pending) {
      pending.delete(id)
      resolve({ sent: 0, error })
    }
    for (const [id, upload] of uploads) {
      uploads.delete(id)
      upload.reject(new CoreError('SERVICE_UNAVAILABLE', `the upload was cut: ${error}`))
    }
  }
  /** Sends socket with message; once sent, the socket object here has no handle left, and destroying it
   *  only lets everything that tracks it (the HTTP server, Fastify) see it closed. */
  const send = (proc: ChildProcess, message: object, socket: Socket, failed: (err: Error) => void) =>
    proc.send(message, socket, (err) => {
      socket.destroy()
      if (err) failed(err)
    })

  return {
    async start() {
      if (process.platform === 'win32' || !init.launcher || !existsSync(init.launcher)) {
        log.info('no byte relay here: large gateway reads go through Node')
        return
      }
      const proc = spawn(init.launcher, ['relay'], {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'json',
      })
      child = proc
      proc.stderr?.on('data', (chunk: Buffer) => log.warn(chunk.toString('utf8').trim()))
      proc.on('message', (m: FromRelay) => {
        if (m?.type === 'relay-done') {
          const resolve = pending.get(m.id)
          pending.delete(m.id)
          resolve?.({ sent: m.sent, error: m.error })
        } else if (m?.type === 'upload-done') {
          const upload = uploads.get(m.id)
          uploads.delete(m.id)
          if (m.error || !m.cid) upload?.reject(new CoreError('SERVICE_UNAVAILABLE', `the upload failed: ${m.error}`))
          else upload?.resolve({ cid: m.cid, head: Buffer.from(m.head ?? '', 'base64') })
        }
      })
      proc.on('error', (err) => log.warn('byte relay failed to start', { error: err.message }))
      proc.on('exit', (code, signal) => {
        if (child === proc) {
          child = undefined
          log.warn('byte relay exited; large gateway reads go through Node', { code, signal })
        }
        endAll('the relay exited')
      })
      // Neither the process nor its channel keeps Tack running.
      proc.unref()
      ;(proc.channel as { unref?: () => void } | undefined)?.unref?.()
    },
    async stop() {
      const proc = child
      child = undefined
      if (!proc) return
      const exited = new Promise((resolve) => proc.once('exit', resolve))
      proc.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1500).unref())])
      endAll('Tack is stopping')
    },
    accepts(socket): socket is Socket {
      // A TLS socket's bytes are encrypted in Node; only a plain TCP socket with its handle can be passed.
      return (
        child?.connected === true &&
        socket instanceof Socket &&
        !('encrypted' in socket) &&
        !socket.destroyed &&
        (socket as unknown as { _handle?: unknown })._handle != null
      )
    },
    handOff(socket, job) {
      const proc = child
      if (!proc?.connected) return Promise.resolve({ sent: 0, error: 'the relay is not running' })
      const id = ++nextId
      return new Promise((resolve) => {
        pending.set(id, resolve)
        send(proc, { id, kind: 'read', head: job.head, fail: job.fail, ...job.upstream }, socket, (err) => {
          pending.delete(id)
          resolve({ sent: 0, error: err.message })
        })
      })
    },
    upload(socket, job) {
      const proc = child
      const id = ++nextId
      const received = new Promise<{ cid: string; head: Buffer }>((resolve, reject) => {
        if (!proc?.connected) return reject(new CoreError('SERVICE_UNAVAILABLE', 'the relay is not running'))
        uploads.set(id, { resolve, reject })
        const message = {
          id,
          kind: 'upload',
          body: job.buffered.toString('base64'),
          length: job.length,
          ...job.put,
        }
        send(proc, message, socket, (err) => {
          uploads.delete(id)
          reject(new CoreError('SERVICE_UNAVAILABLE', `the upload could not be handed over: ${err.message}`))
        })
      })
      return {
        received,
        respond: (response) => {
          if (proc?.connected) proc.send({ type: 'respond', id, response })
        },
      }
    },
  }
}

/** The status line and headers of a response, as HTTP/1.1 writes them (names and values checked as Node does). */
export function responseHead(status: number, headers: Record<string, string | number | string[] | undefined>): string {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) {
      validateHeaderName(name)
      validateHeaderValue(name, String(v))
      head += `${name}: ${String(v)}\r\n`
    }
  }
  return head + '\r\n'
}

/** A whole response carrying err as a PSA Failure body; `headers` are the request's own (CORS, request id). */
export function failureResponse(err: CoreError, headers: Record<string, string | number | string[] | undefined> = {}): string {
  const body = JSON.stringify(err.toFailure())
  const head = responseHead(err.status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  })
  return head + body
}
