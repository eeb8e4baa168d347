// How a gateway answer leaves: its body through Fastify or, for a large read the byte relay can take, the
// client's socket handed to the relay (relay/index.ts) with the head Fastify would have written.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { CoreError } from '../errors.js'
import type { GatewayResponse } from '../gateway/index.js'
import { failureResponse, responseHead, type Relay } from '../relay/index.js'

export async function sendGatewayResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  res: GatewayResponse,
  headers: Record<string, string>,
  relay: Relay | undefined,
): Promise<FastifyReply> {
  reply.code(res.status).headers(headers)
  if (!res.relay) return reply.send(res.body ?? null)
  const socket = request.raw.socket
  if (!relay?.accepts(socket, reply.raw)) return reply.send(await res.relay.open())
  // Composed before the reply is taken over: should a header not be valid, Fastify still answers the error,
  // and a body already open for Node (Kubo's answer) is let go as when the relay takes the read.
  let head: string
  try {
    head = responseHead(res.status, { ...reply.getHeaders(), date: new Date().toUTCString(), connection: 'close' })
  } catch (err) {
    res.relay.taken?.()
    throw err
  }
  const fail = failureResponse(new CoreError('SERVICE_UNAVAILABLE', 'the upstream did not answer the read'), {
    'x-request-id': request.id,
    'access-control-allow-origin': '*',
  })
  reply.hijack()
  const done = relay.handOff(socket, { head, fail, upstream: res.relay.upstream })
  res.relay.taken?.()
  void done.then(res.relay.done)
  return reply
}
