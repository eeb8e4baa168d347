// How an answer's body leaves Tack: the one place that decides it. Domains say what to send (the gateway's
// BodySource: bytes in hand, a range of an object in the store, a URL on Kubo's gateway); this module sends
// it through Fastify or, for a large read the byte relay can take, hands the client's socket to the relay
// (relay/index.ts) with the head Fastify would have written and the request that gives the body.
//
// Why the socket is handed off, and not the other way round (the relay in front of every request, Node
// answering with what to send, as nginx's X-Accel-Redirect does). Measured with bench/relay-cpu.ts (512 MiB
// read, two cores): Tack's process spent 0.6–1.6 CPU-s relaying a read itself and reached 343–397 MiB/s
// beside Kubo's gateway at 742–749, and a bare node:http pipe did no better (0.59–0.62× of Kubo's gateway):
// Node's per-byte socket cost is the bound, so large bodies must not pass through Node. With the hand-off,
// Tack's process spends under 0.02 CPU-s on such a read and the relay 0.15 (then splicing; it now copies,
// relay.go says why), and the read reached 990–1004 MiB/s beside Kubo's 1048–1060. Every loopback hop the
// bytes cross costs about as much again (bench/README.md, first-read row: the relay's second hop from MinIO
// took 21 % of the samples; issue 26: 0.10 CPU-s per 256 MiB through the relay from Kubo's gateway, beside
// Kubo's own 0.3). A relay in front would add a hop to every request Node answers, the small reads whose
// Tack-side time is ~0.3 ms (gateway/index.ts: SMALL_FILE) among them; the hand-off adds none to those. The
// front-proxy form was not built and measured.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { CoreError } from '../errors.js'
import type { GatewayResponse, StoredBody } from '../gateway/index.js'
import type { ObjectStore } from '../object-store/store.js'
import { failureResponse, rawRequest, responseHead, type Relay, type Upstream } from '../relay/index.js'

/**
 * Bodies from this size up are offered to the byte relay; below it, the relay's extra connection to the
 * upstream and the closed client connection cost more than Node's copy.
 */
export const RELAY_FROM = 1024 * 1024

export interface ShipInit {
  relay?: Relay
  store: Pick<ObjectStore, 'presignedRead'>
  /** The Unix socket Kubo's gateway listens on; undefined where it is on a port (Windows). */
  kuboGatewaySocket(): string | undefined
}

export type Ship = (
  request: FastifyRequest,
  reply: FastifyReply,
  res: GatewayResponse,
  headers: Record<string, string>,
) => Promise<FastifyReply>

export function createShip(init: ShipInit): Ship {
  const { relay } = init

  /** The request the relay makes for the body, or undefined where it stays in Node. */
  async function upstreamOf(status: number, body: StoredBody): Promise<Upstream | undefined> {
    if (!relay || !(Number.isSafeInteger(body.length) && body.length >= RELAY_FROM)) return undefined
    if (body.kind === 'object') {
      const url = await init.store.presignedRead(body.key).catch(() => undefined)
      const range = body.range && [`Range: bytes=${body.range.start}-${body.range.end}`]
      return url && { ...rawRequest('GET', url, range ?? []), status, length: body.length }
    }
    // Several ranges come back as multipart/byteranges with a boundary of Kubo's choosing, different each
    // time, and a 416's body is Kubo's own: those stay in Node.
    if (status === 416 || body.range?.includes(',')) return undefined
    try {
      const header = body.range ? [`Range: ${body.range}`] : []
      return { ...rawRequest('GET', body.url, header, init.kuboGatewaySocket()), status, length: body.length }
    } catch {
      return undefined // a Range the raw request cannot carry as it is (a tab, which Kubo reads past)
    }
  }

  return async (request, reply, res, headers) => {
    const body = res.body
    if (!body || body.kind === 'bytes')
      return reply
        .code(res.status)
        .headers(headers)
        .send(body?.body ?? null)
    const upstream = await upstreamOf(res.status, body)
    const socket = request.raw.socket
    // Opened before the head is set: should the read fail, the error's answer carries none of this one's headers.
    if (!upstream || !relay?.accepts(socket, reply.raw)) {
      const stream = await body.open()
      return reply.code(res.status).headers(headers).send(stream)
    }
    reply.code(res.status).headers(headers)
    // Composed before the reply is taken over: should a header not be valid, Fastify still answers the error,
    // and a body already open for Node (Kubo's answer) is let go as when the relay takes the read.
    let head: string
    try {
      head = responseHead(res.status, { ...reply.getHeaders(), date: new Date().toUTCString(), connection: 'close' })
    } catch (err) {
      body.taken?.()
      throw err
    }
    const fail = failureResponse(new CoreError('SERVICE_UNAVAILABLE', 'the upstream did not answer the read'), {
      'x-request-id': request.id,
      'access-control-allow-origin': '*',
    })
    reply.hijack()
    const done = relay.handOff(socket, { head, fail, upstream })
    body.taken?.()
    void done.then((outcome) => body.done?.(outcome))
    return reply
  }
}
