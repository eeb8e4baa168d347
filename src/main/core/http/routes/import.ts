// POST /api/import?keys=none|same-scopes|all (admin): a backup archive merged into this running Tack, as
// `tack import PATH --merge` does (backup/import.ts, merge.ts, trust.ts): what is here stays, nothing is
// duplicated, keys are added only as `keys` says (none by default), content private here stays private, the
// archive's settings are not taken, and every byte is re-hashed to its CID before anything changes. The body is
// the tar itself, streamed to the import's spool on disk (never held in memory) and capped at
// TACK_MAX_IMPORT_BYTES. One import runs at a time; a refused archive changes nothing and is a 4xx.
import { Transform, type TransformCallback } from 'node:stream'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { importArchive, type ImportDeps } from '../../backup/import.js'
import type { MergeResult } from '../../backup/merge.js'
import { KEY_POLICIES } from '../../backup/trust.js'
import { CoreError } from '../../errors.js'
import { parse } from '../parse.js'

export interface ImportRouteDeps extends ImportDeps {
  /** config.maxImportBytes */
  maxBytes: number
  /** Told when an import changed something (forwarding targets then look for new pins). */
  imported?(result: MergeResult): void
}

const Query = z.object({ keys: z.enum(KEY_POLICIES).default('none') })

export function importRoutes(deps: ImportRouteDeps): FastifyPluginAsync {
  let running = false
  return async (app) => {
    // The body stays a stream: no parser of this plugin's scope reads it.
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('*', (_request, _payload, done) => done(null))
    // A client that stalls mid-archive must not hold app.close() open: at shutdown its body is cut.
    const inFlight = new Set<FastifyRequest['raw']>()
    app.addHook('preClose', async () => {
      for (const raw of inFlight) raw.destroy(new Error('Tack is stopping'))
    })

    app.post('/api/import', { config: { scope: 'admin' } }, async (request, reply) => {
      const { keys } = parse(Query, request.query, 'query')
      const declared = Number(request.headers['content-length'] ?? NaN)
      const refused =
        declared > deps.maxBytes
          ? tooLarge(deps.maxBytes)
          : running && new CoreError('CONFLICT', 'a restore is running already: wait for it to finish')
      if (refused) {
        // Refused before reading a byte of it: close afterwards, so the client stops sending.
        reply.header('connection', 'close')
        throw refused
      }
      running = true
      inFlight.add(request.raw)
      try {
        const body = request.raw.pipe(capped(deps.maxBytes))
        request.raw.once('error', (err) => body.destroy(err))
        const result = await importArchive(deps, body, { merge: true, keys })
        deps.imported?.(result)
        return reply.send(result)
      } catch (err) {
        // Refused before the whole archive was read: close afterwards, so the client stops sending.
        if (!request.raw.readableEnded) reply.header('connection', 'close')
        throw err
      } finally {
        inFlight.delete(request.raw)
        running = false
      }
    })
  }
}

const tooLarge = (max: number) =>
  new CoreError('PAYLOAD_TOO_LARGE', `the archive is larger than ${max} bytes (TACK_MAX_IMPORT_BYTES)`)

/** Passes bytes through until more than max have come, then fails with a 413. */
function capped(max: number): Transform {
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length
      callback(seen > max ? tooLarge(max) : null, chunk)
    },
  })
}
