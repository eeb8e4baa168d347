// GET|HEAD /api/gateway/{cid}[/path]: no key needed (scope 'public'); the gateway domain decides what may be
// served. The same plugin runs on the LAN listener.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Gateway } from '../../gateway/index.js'
import { RangeNotSatisfiable } from '../../gateway/range.js'
import { parse } from '../parse.js'
import type { Ship } from '../ship.js'

const Query = z.object({
  format: z.enum(['raw', 'car']).optional(),
  filename: z.string().max(255).optional(),
  download: z.enum(['true', 'false', '1', '0']).optional(),
})

export function gatewayRoutes(gateway: Gateway, ship: Ship): FastifyPluginAsync {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = request.params as { cid: string; '*'?: string }
    const query = parse(Query, request.query, 'query')
    const res = await gateway
      .serve({
        method: request.method === 'HEAD' ? 'HEAD' : 'GET',
        cid: params.cid,
        path: params['*'] ?? '',
        format: query.format,
        filename: query.filename,
        download: query.download === 'true' || query.download === '1',
        range: request.headers.range,
        ifNoneMatch: request.headers['if-none-match'],
      })
      .catch((err: unknown) => {
        if (err instanceof RangeNotSatisfiable) reply.header('content-range', `bytes */${err.size}`)
        throw err
      })
    // On a client that goes away mid-body, Fastify destroys the stream, which ends the store/Kubo read.
    return ship(request, reply, res, res.headers)
  }
  return async (app) => {
    for (const url of ['/api/gateway/:cid', '/api/gateway/:cid/*']) {
      app.route({ method: ['GET', 'HEAD'], url, exposeHeadRoute: false, config: { scope: 'public' }, handler })
    }
  }
}
