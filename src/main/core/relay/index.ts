// The byte relay (`tack-launcher relay`, tools/launcher/relay.go): large gateway reads and large raw uploads
// leave Node. Which bodies go to it, and the measured reason the client's socket is handed to it, are
// http/ship.ts's (reads) and http/relay-upload.ts's (uploads). The relay reaches MinIO only through its S3 API
// (a presigned GET or PUT) and Kubo through its gateway: never another program's files (an earlier reader of
// MinIO's xl.meta layout was faster, and tied every MinIO upgrade to Tack's code; it went).
//
// Once a request is checked and its answer decided, the client's socket goes to the relay over Node's IPC
// channel (child_process.send with a handle) with the head to write and the upstream request that gives the
// body (or, for an upload, the PUT that takes it). The relay answers, closes the connection (`Connection:
// close`) and reports back. Sockets are handed over one at a time: the next only once the relay said it took
// the last, so Node never holds a socket in its own queue of handles (where the HTTP server could go on
// reading it, or the client's leaving would lose the job).
// Unix only (Node passes sockets differently on Windows); where the relay is missing or down, the callers
// serve through Node as before. Should it die, it is started again (a few times, then left off).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { CoreError } from '../errors.js'
import type { Logger } from '../log.js'
import type { RawRequest } from './http-text.js'

export { failureResponse, jsonResponse, rawRequest, responseHead, type RawRequest } from './http-text.js'

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

/** Where an upload's bytes go: one PUT, or the parts of a multipart upload (tools/launcher/parts.go says why). */
export interface UploadTarget {
  /** Bytes per part, the last part shorter; one part of the whole length is a single PUT. */
  partSize: number
  parts: number
  /** The PUT of part 1, signed. */
  first: RawRequest
  /** The PUT of part n (from 2), signed when the relay asks for it. */
  part(n: number): Promise<RawRequest>
}

export interface Received {
  cid: string
  /** The file's first bytes. */
  head: Buffer
  /** What the store answered for each part, in order. */
  etags: string[]
}

export interface UploadHandle {
  /** Resolves once the store has every byte. */
  received: Promise<Received>
  /** Gives the relay the whole response to write (then it closes the connection). */
  respond(response: string): void
}

export interface Relay {
  start(): Promise<void>
  stop(): Promise<void>
  /** True when this request's socket can be handed over now (`response` is the request's own). */
  accepts(socket: unknown, response: ServerResponse): socket is Socket
  /** The relay sends head, then upstream's body (or `fail` should the upstream not answer as promised). */
  handOff(socket: Socket, job: { head: string; fail: string; upstream: Upstream }): Promise<RelayOutcome>
  /**
   * The relay sends the body (exactly `length` bytes) to `target`, computing its CID on the way. `drain` is
   * called just before the socket goes, and returns the body bytes Node had already read.
   */
  upload(socket: Socket, job: { length: number; target: UploadTarget; drain(): Buffer }): UploadHandle
}

type FromRelay =
  | { type: 'taken'; id: number }
  | { type: 'relay-done'; id: number; sent: number; error?: string }
  | { type: 'upload-done'; id: number; cid?: string; head?: string; etags?: string[] | null; error?: string }
  | { type: 'part-wanted'; id: number; part: number }

interface Job {
  id: number
  socket: Socket
  /** The message sent with the socket, made when it goes. */
  message(): object
  fail(error: string): void
}

/** How long the relay has to say it took a socket before it counts as stuck (and is restarted). */
const TAKE_TIMEOUT_MS = 5_000
const MAX_RESTARTS = 5
/**
 * Reads the relay sends at once, at most; the next ones go through Node. Each holds a 1 MiB buffer in the
 * relay for as long as its client takes to read (a paused video: up to 10 minutes a chunk), and the gateway
 * answers anyone, so without a bound a client opening thousands of slow reads would take that much memory.
 */
export const MAX_RELAYED_READS = 64
const STOP_GRACE_MS = 1_500

export function createRelay(init: { launcher?: string; log: Logger }): Relay {
  const { log } = init
  let child: ChildProcess | undefined
  let stopping = false
  let restarts = 0
  let nextId = 0
  const queue: Job[] = []
  let sending: { job: Job; timer: NodeJS.Timeout } | undefined
  const reads = new Map<number, (outcome: RelayOutcome) => void>()
  const uploads = new Map<
    number,
    { target: UploadTarget; resolve(received: Received): void; reject(err: Error): void }
  >()

  const failAll = (error: string) => {
    if (sending) clearTimeout(sending.timer)
    sending = undefined
    for (const job of queue.splice(0)) job.fail(error)
    for (const [id, resolve] of reads) {
      reads.delete(id)
      resolve({ sent: 0, error })
    }
    for (const [id, upload] of uploads) {
      uploads.delete(id)
      upload.reject(new CoreError('SERVICE_UNAVAILABLE', `the upload was cut: ${error}`))
    }
  }

  /** Sends the next queued socket, unless one is still on its way. */
  const pump = () => {
    const proc = child
    while (!sending && proc?.connected && queue.length > 0) {
      const job = queue.shift()!
      const socket = job.socket
      if (socket.destroyed || !(socket as unknown as { _handle?: unknown })._handle) {
        job.fail('the client left before the relay took the connection')
        continue
      }
      const message = job.message()
      // Not a cluster worker's socket: without this, Node would hand the server's connection count to the
      // relay (server.close() would then ask the relay, and count this connection twice).
      ;(socket as unknown as { server: unknown }).server = null
      const timer = setTimeout(() => {
        log.warn('the byte relay did not take a connection in time; restarting it')
        proc.kill('SIGKILL')
      }, TAKE_TIMEOUT_MS)
      sending = { job, timer }
      // The handle goes now (nothing else is on its way), so the socket object keeps none: destroying it only
      // lets the HTTP server and Fastify see it closed.
      proc.send(message, socket, (err) => {
        socket.destroy()
        if (!err) return
        clearTimeout(timer)
        sending = undefined
        job.fail(err.message)
        pump()
      })
    }
  }

  const onMessage = (m: FromRelay) => {
    if (m?.type === 'taken') {
      if (sending) clearTimeout(sending.timer)
      sending = undefined
      pump()
    } else if (m?.type === 'relay-done') {
      const resolve = reads.get(m.id)
      reads.delete(m.id)
      resolve?.({ sent: m.sent, error: m.error })
    } else if (m?.type === 'upload-done') {
      const upload = uploads.get(m.id)
      uploads.delete(m.id)
      if (m.error || !m.cid) {
        // The relay's reason names loopback addresses and ports: logged, not sent.
        log.warn('relayed upload failed', { error: m.error })
        upload?.reject(new CoreError('SERVICE_UNAVAILABLE', 'the upload did not reach the object store'))
      } else upload?.resolve({ cid: m.cid, head: Buffer.from(m.head ?? '', 'base64'), etags: m.etags ?? [] })
    } else if (m?.type === 'part-wanted') {
      const proc = child
      const answer = (fields: object) =>
        proc?.connected && proc.send({ type: 'part', id: m.id, part: m.part, ...fields })
      const target = uploads.get(m.id)?.target
      if (!target) answer({ error: 'no such upload' })
      else
        target
          .part(m.part)
          .then(answer, (err: unknown) => answer({ error: String((err as Error)?.message ?? err) }))
          .catch(() => {}) // the relay is gone: the upload fails with it
    }
  }

  const spawnRelay = () => {
    const proc = spawn(init.launcher!, ['relay'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' })
    child = proc
    const started = Date.now()
    proc.stderr?.on('data', (chunk: Buffer) => log.warn(chunk.toString('utf8').trim()))
    proc.on('message', onMessage)
    proc.on('error', (err) => log.warn('byte relay failed to start', { error: err.message }))
    proc.on('exit', (code, signal) => {
      if (child !== proc) return
      child = undefined
      failAll('the relay exited')
      if (stopping) return
      if (Date.now() - started > 60_000) restarts = 0
      if (++restarts > MAX_RESTARTS) {
        log.warn('byte relay keeps exiting; large reads and uploads go through Node', { code, signal })
        return
      }
      log.warn('byte relay exited; starting it again', { code, signal })
      setTimeout(() => !stopping && !child && spawnRelay(), 1000).unref()
    })
    // Neither the process nor its channel keeps Tack running.
    proc.unref()
    ;(proc.channel as { unref?: () => void } | undefined)?.unref?.()
  }

  return {
    async start() {
      stopping = false
      if (process.platform === 'win32' || !init.launcher || !existsSync(init.launcher)) {
        log.info('no byte relay here: large gateway reads and uploads go through Node')
        return
      }
      spawnRelay()
    },
    async stop() {
      stopping = true
      const proc = child
      child = undefined
      failAll('Tack is stopping')
      if (!proc) return
      const exited = new Promise((resolve) => proc.once('exit', resolve))
      const late = () => new Promise((resolve) => setTimeout(() => resolve('late'), STOP_GRACE_MS).unref())
      proc.kill('SIGTERM')
      if ((await Promise.race([exited, late()])) === 'late') {
        proc.kill('SIGKILL')
        await Promise.race([exited, late()])
      }
    },
    accepts(socket, response): socket is Socket {
      // A TLS socket's bytes are encrypted in Node; only a plain TCP socket with its handle can be passed, and
      // only while this request's response is the socket's current one with nothing of an earlier one unsent.
      const s = socket as Socket & { _handle?: unknown; _httpMessage?: unknown }
      return (
        child?.connected === true &&
        reads.size < MAX_RELAYED_READS &&
        socket instanceof Socket &&
        !('encrypted' in socket) &&
        !s.destroyed &&
        s._handle != null &&
        s._httpMessage === response &&
        s.writableLength === 0
      )
    },
    handOff(socket, job) {
      const id = ++nextId
      return new Promise((resolve) => {
        reads.set(id, resolve)
        queue.push({
          id,
          socket,
          message: () => ({ id, kind: 'read', head: job.head, fail: job.fail, ...job.upstream }),
          fail: (error) => {
            reads.delete(id)
            socket.destroy()
            resolve({ sent: 0, error })
          },
        })
        pump()
      })
    },
    upload(socket, job) {
      const id = ++nextId
      const received = new Promise<Received>((resolve, reject) => {
        uploads.set(id, { target: job.target, resolve, reject })
        queue.push({
          id,
          socket,
          message: () => ({
            id,
            kind: 'upload',
            body: job.drain().toString('base64'),
            length: job.length,
            parts: job.target.parts,
            partSize: job.target.partSize,
            ...job.target.first,
          }),
          fail: (error) => {
            uploads.delete(id)
            socket.destroy()
            reject(new CoreError('SERVICE_UNAVAILABLE', `the upload could not be handed to the relay: ${error}`))
          },
        })
        pump()
      })
      return {
        received,
        respond: (response) => {
          if (child?.connected) child.send({ type: 'respond', id, response })
        },
      }
    },
  }
}
