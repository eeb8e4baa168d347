// How Tack sends requests to forwarding targets. The URL guard checks the target's URL before each request
// (url-guard.ts), but the request resolves the name again and may get another answer (DNS rebinding: a
// public address for the check, 127.0.0.1 for the connection). So every new connection is checked as well,
// for the address and port it actually reached, before a byte of any request is written on it.
import { Agent, buildConnector, fetch as undiciFetch, type RequestInit as UndiciInit } from 'undici'
import { CoreError } from '../errors.js'
import type { UrlGuard } from './url-guard.js'

export type Send = (url: string, init: RequestInit) => Promise<Response>

export function createGuardedSend(guard: UrlGuard): Send {
  const connect = buildConnector({})
  const dispatcher = new Agent({
    connect(options, callback) {
      connect(options, (err, socket) => {
        if (err || !socket) return callback(err ?? new Error('no socket'), null)
        const refused = guard.refusedPeer(socket.remoteAddress ?? '', socket.remotePort ?? 0)
        if (refused === undefined) return callback(null, socket)
        socket.destroy()
        callback(new CoreError('BAD_REQUEST', refused), null)
      })
    },
  })
  return async (url, init) => {
    // The target's URL passed the syntax rules when it was added; what can change is where it lands.
    await guard.check(new URL(url).origin)
    try {
      return (await undiciFetch(url, { ...(init as UndiciInit), dispatcher })) as unknown as Response
    } catch (err) {
      // fetch reports every failure as "fetch failed"; the refusal (or the network's reason) is its cause.
      const cause = (err as Error).cause
      throw cause instanceof CoreError ? cause : err
    }
  }
}
