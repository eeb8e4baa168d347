// Large gateway bodies leave Node. Measured (bench/relay-cpu.ts, 512 MiB from MinIO, two cores): Tack's own
// process spent 0.6–1.6 CPU-s relaying a read and reached 343–397 MiB/s while MinIO alone served 725–804;
// a relay that splices (tack-launcher relay, tools/launcher/relay.go) spent 0.2 CPU-s and reached 654–707.
// So once a request is checked and its response decided, Tack writes nothing itself: the client's socket
// goes to the relay over Node's IPC channel (child_process.send with a handle), with the response head
// and the upstream request that gives the body. The relay answers, closes the connection (`Connection:
// close` is in the head) and reports how many body bytes went out.
// Unix only (Node passes sockets differently on Windows); where the relay is missing or has died, the
// caller serves the body through Node as before.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http'
import { Socket } from 'node:net'
import type { CoreError } from '../errors.js'
import type { Logger } from '../log.js'

/** An HTTP/1.1 request to a loopback upstream whose answer is the body. */
export interface Upstream {
  /** host:port */
  addr: string
  /** The request line and headers, ending with the blank line. */
  request: string
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
}

interface Done {
  type: 'relay-done'
  id: number
  sent: number
  error?: string
}

export function createRelay(init: { launcher?: string; log: Logger }): Relay {
  const { log } = init
  let child: ChildProcess | undefined
  let nextId = 0
  const pending = new Map<number, (outcome: RelayOutcome) => void>()
  const endAll = (error: string) => {
    for (const [id, resolve] of pending) {
      pending.delete(id)
      resolve({ sent: 0, error })
    }
  }

  return {
    async start() {
      if (process.platform === 'win32' || !init.launcher || !existsSync(init.launcher)) {
        log.info('no byte relay here: large gateway reads go through Node')
        return
      }
      const proc = spawn(init.launcher, ['relay'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' })
      child = proc
      proc.stderr?.on('data', (chunk: Buffer) => log.warn(chunk.toString('utf8').trim()))
      proc.on('message', (m: Done) => {
        if (m?.type !== 'relay-done') return
        const resolve = pending.get(m.id)
        pending.delete(m.id)
        resolve?.({ sent: m.sent, error: m.error })
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
        const message = { id, head: job.head, fail: job.fail, ...job.upstream }
        // Once sent, the socket object here has no handle left: destroying it only lets everything that
        // tracks it (the HTTP server, Fastify) see it closed. On an error the connection ends instead.
        proc.send(message, socket, (err) => {
          socket.destroy()
          if (!err) return
          pending.delete(id)
          resolve({ sent: 0, error: err.message })
        })
      })
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

/** A whole response carrying err as a PSA Failure body. */
export function failureResponse(err: CoreError): string {
  const body = JSON.stringify(err.toFailure())
  const head = responseHead(err.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  })
  return head + body
}
