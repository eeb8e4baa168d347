// PUT /api/files with a large raw body of known length: the bytes go from the client's socket to the object
// store through the byte relay (relay/index.ts, tools/launcher/upload.go), which computes the CID on the way,
// and the relay writes the answer Tack decides. Measured (node --cpu-prof of `tack serve`, 4 × 512 MiB PUTs):
// Tack's process spent 1.25–1.6 CPU-s per 512 MiB reading the socket, hashing and writing MinIO's socket
// (hashing 33 %, the socket write 21 %); the relay spends 0.62–0.76.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { CoreError } from '../errors.js'
import type { Files, UploadResult } from '../files/index.js'
import type { Logger } from '../log.js'
import type { PresignedWrite } from '../object-store/store.js'
import {
  failureResponse,
  jsonResponse,
  rawRequest,
  type Relay,
  type UploadHandle,
  type UploadTarget,
} from '../relay/index.js'
import { toCoreError } from './errors.js'

/** Smaller bodies stay in Node: the relay's connection to the store and the closed connection cost more. */
export const RELAY_UPLOAD_FROM = 1024 * 1024

export interface RelayUploadDeps {
  files: Files
  relay?: Relay
  log: Logger
}

export interface RawUpload {
  accountId: number
  name: string
  /** Content-Length, when the client sent one. */
  size?: number
  pin?: boolean
  private?: boolean
}

/**
 * Runs the upload through the relay when it can take it, answering with 201 and `answer(result)`; undefined
 * when Node should read the body itself. What can refuse the upload up front (quota, pin with private) is
 * checked before anything is taken over, so those refusals are Fastify's own.
 */
export function relayUpload(
  deps: RelayUploadDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  upload: RawUpload,
  answer: (result: UploadResult) => unknown,
): Promise<FastifyReply> | undefined {
  const { files, relay } = deps
  const size = upload.size
  const socket = request.raw.socket
  if (
    size === undefined ||
    size < RELAY_UPLOAD_FROM ||
    request.raw.readableEnded ||
    request.headers['transfer-encoding'] !== undefined ||
    !files.relayable() ||
    !relay?.accepts(socket, reply.raw)
  )
    return undefined
  const options = { pin: upload.pin, private: upload.private }
  files.admit(upload.accountId, { ...options, declaredBytes: size })
  reply.hijack()
  return (async () => {
    let handle: UploadHandle | undefined
    let response: string
    try {
      const part = {
        name: upload.name,
        size,
        relay: async (write: PresignedWrite) => {
          const target = await uploadTarget(write, size)
          handle = relay.upload(socket, { length: size, target, drain: () => drain(request, socket) })
          return handle.received
        },
      }
      const result = await files.uploadRelayed(upload.accountId, part, options)
      response = jsonResponse(201, reply.getHeaders(), answer(result))
    } catch (err) {
      const known = toCoreError(err)
      if (!known || known.status >= 500)
        deps.log.warn('relayed upload failed', { reqId: request.id, error: String(err) })
      response = failureResponse(
        known ?? new CoreError('INTERNAL_SERVER_ERROR', 'something went wrong inside Tack; see its log'),
        reply.getHeaders(),
      )
    }
    if (handle) handle.respond(response)
    else socket.end(response)
    return reply
  })()
}

/** The relay's PUTs of the store's presigned write, each taking exactly its part's bytes. */
async function uploadTarget(write: PresignedWrite, size: number): Promise<UploadTarget> {
  const part = async (n: number) => {
    const length = Math.min(write.partSize, size - (n - 1) * write.partSize)
    return rawRequest('PUT', await write.part(n), [`Content-Length: ${length}`])
  }
  return { partSize: write.partSize, parts: write.parts, first: await part(1), part }
}

/** What Node already read of the body; the socket is stopped, and goes to the relay in this same turn. */
function drain(request: FastifyRequest, socket: FastifyRequest['raw']['socket']): Buffer {
  const buffered: Buffer[] = []
  for (let chunk: Buffer | null; (chunk = request.raw.read() as Buffer | null) !== null;) buffered.push(chunk)
  socket.pause()
  return Buffer.concat(buffered)
}
