// The child's side of the channel: one core per process, built and started on the parent's `start`, and
// stopped before the process ends, however the end comes (a `stop`, the parent gone, a signal). Every message
// is parsed first; one that does not fit is answered with a `refused` event and changes nothing.
import { parseConfig } from '../core/config.js'
import { CoreError } from '../core/errors.js'
import type { Core } from '../core/index.js'
import { createLogger, type Logger } from '../core/log.js'
import type { Config } from '../core/config.js'
import {
  describeIssue,
  ParentMessage,
  REQUESTS,
  type ChildMessage,
  type HostError,
  type RequestMessage,
  type RequestOp,
  type RequestResult,
} from './protocol.js'

/** How the child talks to its parent, whichever transport carries it (child.ts picks). */
export interface ChildPort {
  send(message: ChildMessage): void
  onMessage(listener: (message: unknown) => void): void
}

export interface ServeInit {
  port: ChildPort
  createCore: (config: Config, log: Logger) => Core
}

export interface CoreServer {
  /** Stops the core if one runs; the process may end after it resolves. */
  shutdown(): Promise<void>
}

export function serveCore(init: ServeInit): CoreServer {
  const { port } = init
  let core: Core | undefined
  // Requests run one after another, as the parent's core runner queues them too: a stop never overtakes a start.
  let queue: Promise<unknown> = Promise.resolve()
  const logFor = (config: Config): Logger =>
    createLogger({
      name: 'core',
      level: config.logLevel,
      sink: (line) => port.send({ kind: 'event', event: 'log', line }),
    })

  const handlers: { [O in RequestOp]: (params: unknown) => Promise<RequestResult<O>> } = {
    start: async (params) => {
      if (core) throw new Error('the core is already running in this process')
      const { config } = REQUESTS.start.params.parse(params)
      const parsed = parseConfig(config)
      const made = init.createCore(parsed, logFor(parsed))
      await made.start()
      core = made
      return { url: made.url(), localToken: made.localToken }
    },
    stop: async () => {
      const stopping = core
      core = undefined
      await stopping?.stop()
      return {}
    },
    loginToken: async () => {
      if (!core) throw new Error('the core is not running')
      return { token: core.loginToken() }
    },
  }

  const answer = async (request: RequestMessage) => {
    try {
      const value = await handlers[request.op](request.params)
      port.send({ kind: 'reply', id: request.id, ok: true, value })
    } catch (err) {
      port.send({ kind: 'reply', id: request.id, ok: false, error: hostError(err) })
    }
  }

  port.onMessage((raw) => {
    const parsed = ParentMessage.safeParse(raw)
    if (!parsed.success) {
      port.send({ kind: 'event', event: 'refused', reason: describeIssue(parsed.error) })
      return
    }
    const params = REQUESTS[parsed.data.op].params.safeParse(parsed.data.params)
    if (!params.success) {
      port.send({ kind: 'reply', id: parsed.data.id, ok: false, error: { message: describeIssue(params.error) } })
      return
    }
    const run = queue.then(() => answer(parsed.data))
    queue = run.catch(() => {})
  })
  port.send({ kind: 'event', event: 'ready', pid: process.pid })

  return {
    shutdown: async () => {
      const stopping = queue.then(() => handlers.stop({}))
      queue = stopping.catch(() => {})
      await stopping
    },
  }
}

function hostError(err: unknown): HostError {
  if (err instanceof CoreError) return { message: err.message, code: err.code, details: err.details }
  const code = (err as { code?: unknown } | null)?.code
  return {
    message: err instanceof Error ? err.message : String(err),
    code: typeof code === 'string' ? code : undefined,
  }
}
