// How Tack sends requests to forwarding targets. The URL guard checks the target's URL before each request
// (url-guard.ts), but the request resolves the name again and may get another answer (DNS rebinding: a
// public address for the check, 127.0.0.1 for the connection). So every new connection is checked as well,
// for the address and port it actually reached, before any request is written on it (for https, after the
// TLS handshake, which no listener of Tack's completes). Redirects are refused: neither a cluster nor a
// Pinning Service API answers with one, and following one would let a target steer Tack elsewhere.
import { Agent, buildConnector, fetch } from 'undici'
import { CoreError } from '../errors.js'
import type { UrlGuard } from './url-guard.js'

export interface SendInit {
  method?: string
  headers?: Record<string, string>
  body?: string
  signal?: AbortSignal
}

export interface Sender {
  send(url: string, init: SendInit): Promise<Response>
  /** Closes the kept-alive connections; a later send opens new ones. */
  close(): Promise<void>
}

export function createGuardedSender(guard: UrlGuard): Sender {
  const connect = buildConnector({})
  let dispatcher: Agent | undefined
  const agent = () =>
    (dispatcher ??= new Agent({
      connect(options, callback) {
        connect(options, (err, socket) => {
          if (err || !socket) return callback(err ?? new Error('no socket'), null)
          const { remoteAddress, remotePort } = socket
          const refused =
            remoteAddress === undefined || remotePort === undefined
              ? 'the connection to the remote target has no peer address'
              : guard.refusedPeer(remoteAddress, remotePort)
          if (refused === undefined) return callback(null, socket)
          socket.destroy()
          callback(new CoreError('BAD_REQUEST', refused), null)
        })
      },
    }))
  return {
    async send(url, init) {
      // The target's URL passed the syntax rules when it was added; what can change is where it lands.
      await guard.check(new URL(url).origin)
      try {
        return (await fetch(url, { ...init, redirect: 'error', dispatcher: agent() })) as unknown as Response
      } catch (err) {
        // fetch reports every failure as "fetch failed"; the refusal (or the network's reason) is its cause.
        const cause = (err as Error).cause
        throw err instanceof TypeError && cause instanceof Error ? cause : err
      }
    },
    async close() {
      const closing = dispatcher
      dispatcher = undefined
      await closing?.close()
    },
  }
}
