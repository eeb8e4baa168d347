// The Pinning Service API under /api/pinning: parse and validate → call the pins domain → serialize.
// POSTs answer 202 with a PinStatus, DELETE answers 202 with no body; failures leave through the one error
// handler as PSA Failure bodies.
import type { FastifyPluginAsync } from 'fastify'
import type { PinResults } from '../../../../shared/psa.js'
import { parseListQuery, parsePinBody, type PinBodyLimits, type Pins } from '../../pins/index.js'
import { principalOf } from '../server.js'

const BASE = '/api/pinning/pins'

export function pinRoutes(pins: Pins, limits?: PinBodyLimits): FastifyPluginAsync {
  return async (app) => {
    const read = { config: { scope: 'pins:read' as const } }
    const write = { config: { scope: 'pins:write' as const } }
    const requestidOf = (params: unknown) => (params as { requestid: string }).requestid

    app.get(BASE, read, (request): PinResults => {
      const filter = parseListQuery(request.query)
      const { count, results } = pins.list(principalOf(request).accountId, filter)
      return { count, results: results.map((r) => pins.toStatus(r)) }
    })
    app.post(BASE, write, async (request, reply) => {
      const record = await pins.add(principalOf(request).accountId, parsePinBody(request.body, limits))
      return reply.code(202).send(pins.toStatus(record, { queuePosition: true }))
    })
    app.get(`${BASE}/:requestid`, read, async (request) => {
      const record = pins.get(principalOf(request).accountId, requestidOf(request.params))
      // A young pin that is about to settle answers settled (bounded wait; see Pins.settled).
      return pins.toStatus(await pins.settled(record), { queuePosition: true })
    })
    app.post(`${BASE}/:requestid`, write, async (request, reply) => {
      const input = parsePinBody(request.body, limits)
      const record = pins.replace(principalOf(request).accountId, requestidOf(request.params), input)
      return reply.code(202).send(pins.toStatus(record, { queuePosition: true }))
    })
    // Not a PSA route (the spec has no retry): a replace (POST /pins/{requestid}) would do the same work but
    // mint a new requestid and created time, so a client following the old one loses it and the pin moves in
    // the list. This re-queues the same object. Outside /api/pinning so PSA clients never meet it.
    app.post('/api/pins/:requestid/retry', write, async (request, reply) => {
      const record = pins.retry(principalOf(request).accountId, requestidOf(request.params))
      return reply.code(202).send(pins.toStatus(record, { queuePosition: true }))
    })
    app.delete(`${BASE}/:requestid`, write, async (request, reply) => {
      pins.remove(principalOf(request).accountId, requestidOf(request.params))
      return reply.code(202).send()
    })
  }
}
