// /api/files: uploads (raw PUT or multipart POST, streamed end to end), the account's file records, delete
// and pin-now. Bodies are never parsed here: the raw body and each multipart part go to the files domain
// as streams, so memory stays flat whatever the size.
import multipart from '@fastify/multipart'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { CoreError } from '../../errors.js'
import { FILE_STATES, type FileRow, type Files, type UploadPart } from '../../files/index.js'
import { whereOf } from '../../files/where.js'
import { GATEWAY_PATH } from '../../gateway/index.js'
import type { Relay } from '../../relay/index.js'
import type { Logger } from '../../log.js'
import { parse } from '../parse.js'
import { relayUpload } from '../relay-upload.js'
import { carUpload, isCarUpload, isTrue } from './car-upload.js'
import type { CarUploads } from '../../files/car/index.js'
import { principalOf } from '../server.js'
import type { Principal } from '../../auth.js'
import type { UploadSlots } from '../../files/upload-slots.js'
import { hasControlCharacters } from '../../files/upload.js'

export interface FileUrls {
  /** The API's base URL (`http://127.0.0.1:7575`). */
  api(): string
  /** The LAN listener's base URL, when sharing is on. */
  lan(): string | undefined
}

const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1')
const UploadQuery = z.object({
  name: z
    .string()
    .min(1)
    .max(255)
    .refine((v) => !hasControlCharacters(v), 'control characters (NUL included) are not allowed in a file name')
    .optional(),
  pin: flag,
  private: flag,
  format: z.enum(['car']).optional(),
})
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  sort: z.enum(['created', 'name', 'size', 'views', 'lastAccessed']).default('created'),
  order: z.enum(['asc', 'desc']).default('desc'),
  q: z.string().max(255).optional(),
  state: z.enum(FILE_STATES).optional(),
  private: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
})

/** `details` says what a pin job of the file does now, or why the last one failed (files/pinner.ts). */
export function serializeFile(row: FileRow, urls: FileUrls, details?: string) {
  const lan = urls.lan()
  return {
    cid: row.cid,
    type: row.kind === 'dir' ? ('directory' as const) : ('file' as const),
    name: row.name,
    private: Boolean(row.private),
    ...(row.path ? { path: row.path } : {}),
    size: row.size,
    mime: row.mime,
    state: row.state,
    where: whereOf(row),
    ...(details ? { details } : {}),
    views: row.views,
    lastAccessed: row.last_accessed_at === null ? null : new Date(row.last_accessed_at).toISOString(),
    created: new Date(row.created_at).toISOString(),
    gatewayUrl: `${urls.api()}${GATEWAY_PATH}/${row.cid}`,
    ...(lan ? { lanUrl: `${lan}${GATEWAY_PATH}/${row.cid}` } : {}),
  }
}

export function fileRoutes(deps: {
  files: Files
  urls: FileUrls
  cars?: CarUploads
  /** Large raw PUTs go through it (http/relay-upload.ts). */
  relay?: Relay
  /** Uploads in flight per key (config.maxUploadsPerKey); none: no cap. */
  slots?: UploadSlots
  log: Logger
}): FastifyPluginAsync {
  const { files, urls } = deps
  const toEntry = (row: FileRow) => serializeFile(row, urls, files.pinner.details(row.cid))
  return async (app) => {
    // Every body stays a stream: no JSON or text parser may buffer an upload (this plugin's scope only).
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('*', (_request, _payload, done) => done(null))
    // preservePath: a folder's files arrive as 'photos/2024/a.jpg'; busboy would keep only 'a.jpg'.
    // An upload in flight would hold app.close() open for as long as its client keeps sending (forever, for
    // a stalled one): at shutdown it is cut, and the domain cleans up what it staged.
    const inFlight = new Set<FastifyRequest['raw']>()
    app.addHook('onRequest', async (request) => {
      if (request.method !== 'PUT' && request.method !== 'POST') return
      inFlight.add(request.raw)
      request.raw.once('close', () => inFlight.delete(request.raw))
    })
    app.addHook('preClose', async () => {
      for (const raw of inFlight) raw.destroy(new Error('Tack is stopping'))
    })
    await app.register(multipart, {
      preservePath: true,
      limits: { fileSize: Infinity, files: 100_000, parts: 100_000, fields: 100 },
    })

    /** Runs one upload holding a slot of its credential; the slot is given back when the upload ends. */
    const slotted = async <T>(request: FastifyRequest, run: () => Promise<T>): Promise<T> => {
      const release = deps.slots?.take(holderOf(principalOf(request)))
      try {
        return await run()
      } finally {
        release?.()
      }
    }

    app.put('/api/files', { config: { scope: 'files:write' } }, (request, reply) =>
      slotted(request, async () => {
        const query = parse(UploadQuery, request.query, 'query')
        if (!query.name)
          throw new CoreError('BAD_REQUEST', 'query.name: the file name is required (PUT /api/files?name=N)')
        const declared = request.headers['content-length'] ? Number(request.headers['content-length']) : undefined
        if (deps.cars && isCarUpload(query.format, request.headers['content-type'])) {
          const row = await upload(request, reply, () =>
            carUpload(deps.cars!, principalOf(request).accountId, request.raw, {
              ...query,
              name: query.name!,
              declared,
            }),
          )
          return reply.code(201).send(toEntry(row))
        }
        const accountId = principalOf(request).accountId
        const options = { declaredBytes: declared, pin: query.pin, private: query.private }
        const raw = { accountId, name: query.name, size: declared, pin: query.pin, private: query.private }
        const relayed = relayUpload(deps, request, reply, raw, (result) => toEntry(result.files[0]!))
        if (relayed) return relayed
        const parts = (async function* (): AsyncGenerator<UploadPart> {
          yield { path: '', name: query.name, content: request.raw, size: declared }
        })()
        const result = await upload(request, reply, () => files.upload(accountId, parts, options))
        return reply.code(201).send(toEntry(result.files[0]!))
      }),
    )

    app.post('/api/files', { config: { scope: 'files:write' } }, (request, reply) =>
      slotted(request, async () => {
        if (!request.isMultipart())
          throw new CoreError(
            'UNSUPPORTED_MEDIA_TYPE',
            'POST /api/files takes multipart/form-data; use PUT for a raw body',
          )
        if (!/;\s*boundary=/i.test(request.headers['content-type'] ?? ''))
          throw new CoreError('BAD_REQUEST', 'multipart/form-data needs a boundary parameter in its Content-Type')
        const query = parse(UploadQuery.pick({ pin: true, private: true }), request.query, 'query')
        let privateField = false
        const parts = (async function* (): AsyncGenerator<UploadPart> {
          try {
            for await (const part of request.parts()) {
              if (part.type === 'field' && part.fieldname === 'private') privateField = isTrue(part.value)
              if (part.type !== 'file') continue
              // The file stream fails only when the body breaks the multipart format (or the client left):
              // the client's fault, so a 400. Marked before the domain's own listener sees the error.
              part.file.once('error', (err: Error & { statusCode?: number }) => void (err.statusCode ??= 400))
              yield { path: part.filename || part.fieldname, content: part.file }
            }
          } catch (err) {
            // busboy's parse errors carry no status; a body that breaks the multipart format is the client's.
            if (err instanceof CoreError || (err as { statusCode?: number }).statusCode) throw err
            throw new CoreError('BAD_REQUEST', `the multipart body is malformed: ${(err as Error).message}`, {
              cause: err,
            })
          }
        })()
        const result = await upload(request, reply, () =>
          // A getter: the \`private\` field may come anywhere in the form, and is read when the upload commits.
          files.upload(principalOf(request).accountId, parts, {
            pin: query.pin,
            get private() {
              return privateField || query.private
            },
          }),
        )
        return reply.code(201).send({
          files: result.files.map((f) => toEntry(f)),
          ...(result.directory ? { directory: { cid: result.directory.cid, name: result.directory.name } } : {}),
        })
      }),
    )

    app.get('/api/files', { config: { scope: 'files:read' } }, (request) => {
      const q = parse(ListQuery, request.query, 'query')
      const { count, rows } = files.list({ accountId: principalOf(request).accountId, ...q })
      return { count, results: rows.map((r) => toEntry(r)) }
    })

    // One entry in full: a folder's files (to open it), and what deleting it would take along.
    app.get('/api/files/:cid', { config: { scope: 'files:read' } }, (request) => {
      const { cid } = request.params as { cid: string }
      const accountId = principalOf(request).accountId
      const row = files.get(accountId, cid)
      const entry = toEntry(row)
      const removal = files.removal(accountId, cid)
      if (row.kind !== 'dir') return { ...entry, removal }
      const base = entry.gatewayUrl
      const entries = files.repo.entries(cid).map((e) => ({
        path: e.path,
        cid: e.cid,
        size: e.size,
        gatewayUrl: `${base}/${e.path.split('/').map(encodeURIComponent).join('/')}`,
      }))
      return { ...entry, removal, entries }
    })

    app.delete('/api/files/:cid', { config: { scope: 'files:write' } }, async (request, reply) => {
      const { cid } = request.params as { cid: string }
      await files.remove(principalOf(request).accountId, cid)
      return reply.code(204).send()
    })

    app.post('/api/files/:cid/pin', { config: { scope: 'files:write' } }, async (request, reply) => {
      const { cid } = request.params as { cid: string }
      return reply.code(202).send(toEntry(files.pin(principalOf(request).accountId, cid)))
    })

    // Unpin from Files: the account's pin objects of this content go (as in Pins, hence pins:write); the upload
    // itself stays, stored.
    app.delete('/api/files/:cid/pin', { config: { scope: 'pins:write' } }, (request) => {
      const { cid } = request.params as { cid: string }
      return toEntry(files.unpin(principalOf(request).accountId, cid))
    })
  }
}

/** Whose upload slots a request uses: its key's, else its browser session's, else its account's. */
function holderOf(principal: Principal): string {
  if (principal.keyId) return `key:${principal.keyId}`
  if (principal.sessionId !== undefined) return `session:${principal.sessionId}`
  return `account:${principal.accountId}`
}

/** Runs an upload; when it fails before the body was read to the end, the connection closes after the error
 *  so the client stops sending (and nothing keeps reading bytes that would only be thrown away). */
async function upload<T>(
  request: FastifyRequest,
  reply: { header(k: string, v: string): unknown },
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (!request.raw.readableEnded) reply.header('connection', 'close')
    throw err
  }
}
