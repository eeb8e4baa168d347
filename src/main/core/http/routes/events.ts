// GET /api/events: server-sent events for the live UI. A key may listen to what it may read: `event: pin`
// with `pins:read`, `event: file` with `files:read` (data is the event as JSON), of its own account only. A
// comment line every 15 s keeps proxies from closing an idle stream; streams end when the server closes.
import type { FastifyPluginAsync } from 'fastify'
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { CoreError } from '../../errors.js'
import type { CoreEvent, EventBus } from '../../events.js'
import { principalOf } from '../server.js'

const HEARTBEAT_MS = 15_000

export function eventRoutes(events: EventBus): FastifyPluginAsync {
  return async (app) => {
    const open = new Set<ServerResponse>()
    app.addHook('preClose', async () => {
      for (const res of open) res.end()
    })
    app.get('/api/events', { config: { scope: 'any' } }, (request, reply) => {
      const { accountId, scopes } = principalOf(request)
      const readable = new Set<CoreEvent['type']>()
      if (scopes.includes('pins:read')) readable.add('pin')
      if (scopes.includes('files:read')) readable.add('file')
      if (!readable.size) throw new CoreError('FORBIDDEN', 'this key lacks the "pins:read" and "files:read" scopes')
      reply.hijack()
      const res = reply.raw
      res.writeHead(200, {
        // Headers set before the hijack (CORS for the desktop app) still apply.
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      // A HEAD asks only whether the stream is there: its headers, then the end.
      if (request.method === 'HEAD') return void res.end()
      res.write(': connected\n\n')
      open.add(res)
      const unsubscribe = events.subscribe(accountId, (event) => {
        if (readable.has(event.type)) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
      })
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS)
      res.on('close', () => {
        clearInterval(heartbeat)
        unsubscribe()
        open.delete(res)
      })
    })
  }
}
