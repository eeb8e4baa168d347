// PUT /api/files with a large raw body of known length: the bytes go from the client's socket to the object
// store through the byte relay (gateway/relay.ts, tools/launcher/upload.go), which computes the CID on the
// way, and the relay writes the answer Tack decides. Measured (node --cpu-prof of `tack serve`, 4 × 512 MiB
// PUTs): Tack's process spent 1.25-1.6 CPU-s per 512 MiB reading the socket, hashing and writing MinIO's
// socket (hashing 33 %, the socket write 21 %), MinIO 1.3-2.4, so on two cores the upload ran at about the
// speed of `ipfs add` (2.4-3.9 CPU-s) and no faster.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { CoreError } from '../errors.js'
import type { RelayedPart } from '../files/index.js'
import { failureResponse, responseHead, type Relay } from '../gateway/relay.js'
import type { Logger } from '../log.js'
import { toCoreError } from './errors.js'

/** Smaller bodies stay in Node: the relay's connection to the store and the closed connection cost more. */
export const RELAY_UPLOAD_FROM = 1024 * 1024

/** Whether this request's body can go through the relay (the caller has run every check that can refuse it). */
export function canRelayUpload(request: FastifyRequest, relay: Relay | undefined, size: number | undefined): boolean {
  return (
    size !== undefined &&
    size >= RELAY_UPLOAD_FROM &&
    !request.raw.readableEnded &&
    request.headers['transfer-encoding'] === undefined &&
    relay?.accepts(request.raw.socket) === true
  )
}

/**
 * Takes the request over: `record` gets the relayed part and returns the status and JSON body to send; an
 * error it throws is sent as a Failure. The connection closes after the answer.
 */
export async function relayUpload(
  request: FastifyRequest,
  reply: FastifyReply,
  relay: Relay,
  part: { name: string; size: number },
  log: Logger,
  record: (part: RelayedPart) => Promise<{ status: number; body: unknown }>,
): Promise<FastifyReply> {
  reply.hijack()
  const socket = request.raw.socket
  let respond: ((response: string) => void) | undefined
  const relayed: RelayedPart = {
    ...part,
    relay(put) {
      // What Node already read of the body goes along; the socket is stopped first, then handed over in the
      // same turn, so no byte is read here after the last one taken.
      const buffered: Buffer[] = []
      for (let chunk: Buffer | null; (chunk = request.raw.read() as Buffer | null) !== null;) buffered.push(chunk)
      socket.pause()
      const handle = relay.upload(socket, { buffered: Buffer.concat(buffered), length: part.size, put })
      respond = handle.respond
      return handle.received
    },
  }
  let response: string
  try {
    const { status, body } = await record(relayed)
    const json = JSON.stringify(body)
    response =
      responseHead(status, {
        ...reply.getHeaders(),
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(json),
        date: new Date().toUTCString(),
        connection: 'close',
      }) + json
  } catch (err) {
    const known = toCoreError(err)
    if (!known || known.status >= 500) log.warn('relayed upload failed', { reqId: request.id, error: String(err) })
    response = failureResponse(
      known ?? new CoreError('INTERNAL_SERVER_ERROR', 'something went wrong inside Tack; see its log'),
      reply.getHeaders(),
    )
  }
  if (respond) respond(response)
  else socket.end(response)
  return reply
}
