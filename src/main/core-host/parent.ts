// The shell's side of the channel: a RunnableCore whose core runs in a process of its own (child.ts), so
// SQLite, the HTTP server, the scheduler and the relay supervision never run on the thread that drives windows,
// tray and menus. Replies and events are parsed before use; one that does not fit is logged and dropped.
// The child's death while running is reported once through onFailure (the core runner turns it into `failed`).
import type { RunnableCore } from '../core-runner.js'
import type { Config } from '../core/config.js'
import { CoreError, ERROR_CODES, type ErrorCode } from '../core/errors.js'
import type { Logger, LogSink } from '../core/log.js'
import {
  ChildMessage,
  describeIssue,
  REQUESTS,
  type HostError,
  type RequestOp,
  type RequestParams,
  type RequestResult,
} from './protocol.js'
import type { Transport } from './transport.js'

export interface CoreHostInit {
  config: Config
  /** Starts the child process (transport.ts: utilityTransport in Electron, nodeForkTransport elsewhere). */
  spawn: () => Transport
  /** Where the core's own log lines go (already formatted by the child's logger). */
  sink: LogSink
  /** The parent's log: refused messages and the child's exit. */
  log: Logger
  /** How long stop() waits for the child to end once asked, before it kills it. Default 30 s. */
  exitTimeoutMs?: number
}

export interface CoreHost extends RunnableCore {
  loginToken(): Promise<string>
  /** The child's pid while it runs. */
  readonly pid: number | undefined
  onFailure(listener: (error: Error) => void): void
}

interface Pending {
  op: RequestOp
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

export function createCoreHost(init: CoreHostInit): CoreHost {
  let transport: Transport | undefined
  let exited: Promise<void> = Promise.resolve()
  let running = false
  let stopping = false
  let url = ''
  let localToken = ''
  let nextId = 0
  const pending = new Map<number, Pending>()
  const failureListeners: Array<(error: Error) => void> = []
  let ready: { resolve: () => void; reject: (error: Error) => void } | undefined

  const request = <O extends RequestOp>(op: O, params: RequestParams<O>): Promise<RequestResult<O>> =>
    new Promise((resolve, reject) => {
      if (!transport) return reject(new Error("the core's process is not running"))
      const id = nextId++
      pending.set(id, { op, resolve: resolve as (value: unknown) => void, reject })
      transport.send({ kind: 'request', id, op, params })
    })

  const onMessage = (raw: unknown) => {
    const parsed = ChildMessage.safeParse(raw)
    if (!parsed.success)
      return init.log.warn('refused a message from the core process', { reason: describeIssue(parsed.error) })
    const message = parsed.data
    if (message.kind === 'event') {
      if (message.event === 'log') init.sink(message.line)
      else if (message.event === 'ready') ready?.resolve()
      else init.log.warn('the core process refused a message', { reason: message.reason })
      return
    }
    const waiting = pending.get(message.id)
    if (!waiting) return init.log.warn('a reply from the core process answers no request', { id: message.id })
    pending.delete(message.id)
    if (!message.ok) return waiting.reject(rebuildError(message.error))
    const value = REQUESTS[waiting.op].result.safeParse(message.value)
    if (value.success) waiting.resolve(value.data)
    else waiting.reject(new Error(`the core process answered ${waiting.op} with ${describeIssue(value.error)}`))
  }

  const onExit = (code: number | null, signal: string | null) => {
    const error = new Error(`the core's process ended (${signal ? `signal ${signal}` : `exit code ${code}`})`)
    transport = undefined
    ready?.reject(error)
    for (const waiting of pending.values()) waiting.reject(error)
    pending.clear()
    const wasRunning = running
    running = false
    if (wasRunning && !stopping) {
      init.log.error('the core process died', { error: error.message })
      for (const listener of failureListeners) listener(error)
    }
  }

  const spawn = () => {
    const t = init.spawn()
    transport = t
    exited = new Promise((resolve) =>
      t.onExit((code, signal) => {
        onExit(code, signal)
        resolve()
      }),
    )
    t.onMessage(onMessage)
    return new Promise<void>((resolve, reject) => (ready = { resolve, reject }))
  }

  const end = async () => {
    const t = transport
    if (!t) return
    t.close()
    const timeoutMs = init.exitTimeoutMs ?? 30_000
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)))
    if ((await Promise.race([exited, late])) === 'late') {
      init.log.warn('the core process did not end when asked; killing it', { pid: t.pid })
      t.kill()
      await exited
    }
    clearTimeout(timer)
  }

  return {
    get localToken() {
      return localToken
    },
    get pid() {
      return transport?.pid
    },
    url: () => url,
    loginToken: async () => (await request('loginToken', {})).token,
    onFailure: (listener) => void failureListeners.push(listener),
    async start() {
      if (transport) throw new Error('this core host has started already')
      try {
        await spawn()
        const started = await request('start', { config: init.config })
        url = started.url
        localToken = started.localToken
        running = true
      } catch (err) {
        // A failed start leaves no process behind: the child has rolled its core back; end it too.
        stopping = true
        await end()
        throw err
      }
    },
    async stop() {
      stopping = true
      running = false
      if (!transport) return
      try {
        await request('stop', {})
      } catch (err) {
        init.log.warn('the core process did not stop cleanly', { error: String(err) })
      }
      await end()
    },
  }
}

function rebuildError(error: HostError): Error {
  if (error.code && error.code in ERROR_CODES)
    return new CoreError(error.code as ErrorCode, error.details ?? error.message)
  return Object.assign(new Error(error.message), error.code ? { code: error.code } : {})
}
