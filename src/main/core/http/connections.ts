// What a listener allows its connections (config.ts: headersTimeoutMs, idleSocketMs, maxConnections and the
// LAN's own cap). Idle sockets held open by a peer once used up the process's file descriptors and took the
// loopback API down with the LAN listener; each listener now has a cap of its own, and a socket that sends
// nothing for idleSocketMs is closed unless Tack itself is still working on its answer.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export interface ConnectionLimits {
  /** The request line and headers must arrive within this (Node's server.headersTimeout). */
  headersTimeoutMs: number
  /** A socket with no activity for this long is closed, unless a complete request is still being answered. */
  idleSocketMs: number
  /** Connections open at once; Node closes the ones past it as they arrive (server.maxConnections). */
  maxConnections: number
}

/** The Fastify options these limits set (given at construction). */
export const fastifyTimeouts = (limits: ConnectionLimits) => ({
  // Node's socket timeout: fires after idleSocketMs without a byte either way (see guard() for what happens).
  connectionTimeout: limits.idleSocketMs,
  keepAliveTimeout: limits.idleSocketMs,
  // No bound on a whole request: an upload of any size may take as long as its bytes keep coming (a stalled
  // one is idle, and closed as such).
  requestTimeout: 0,
})

/** Applies the limits to a Fastify server; `track` is called for each request (its socket and answer). */
export function guardConnections(server: Server, limits: ConnectionLimits) {
  server.headersTimeout = limits.headersTimeoutMs
  server.maxConnections = limits.maxConnections
  const current = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>()
  // With a listener here Node no longer destroys a timed-out socket itself: this decides.
  server.on('timeout', (socket: Socket) => {
    const exchange = current.get(socket)
    // A complete request whose answer is not finished: Tack is working (a pin=true upload, an event stream
    // between heartbeats). Anything else is a peer that went quiet: before a request, between requests, or
    // half-way through sending a body.
    if (exchange && exchange.req.complete && !exchange.res.writableEnded) return
    socket.destroy()
  })
  return {
    track(req: IncomingMessage, res: ServerResponse) {
      current.set(req.socket, { req, res })
    },
  }
}
