// GET /api/export (admin): the backup archive (backup/archive.ts), streamed as it is written. The database
// is snapshotted online first, so clients are never paused.
// A browser saves a download only from a plain navigation, which carries the session cookie but not the page
// token (X-Tack-Session) that must go with it. So the page first asks `POST /api/export/link` (admin, with its
// credentials) for a one-time link that works for a minute, and the browser's own download fetches that: the
// archive streams to disk and is never held in the page's memory.
import { createHash, randomBytes } from 'node:crypto'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { z } from 'zod'
import { exportArchive, type ExportDeps } from '../../backup/export.js'
import { CoreError } from '../../errors.js'
import { parse } from '../parse.js'

/** How long a download link works (it is used at once by the page that asked for it). */
export const EXPORT_LINK_MS = 60_000
/** Unused links kept at most; older ones are dropped first. */
const MAX_LINKS = 16

const Download = z.object({ ticket: z.string().min(1).max(100) })

export function exportRoutes(deps: ExportDeps): FastifyPluginAsync {
  // sha256 of each live ticket → when it stops working. Only hashes are kept, as for every other secret.
  const tickets = new Map<string, number>()
  const hash = (ticket: string) => createHash('sha256').update(ticket).digest('hex')
  const send = (reply: FastifyReply) => {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    reply
      .header('content-type', 'application/x-tar')
      .header('content-disposition', `attachment; filename="tack-backup-${stamp}.tar"`)
    return reply.send(exportArchive(deps))
  }
  return async (app) => {
    // No automatic HEAD: it would build a whole archive to throw away.
    app.get('/api/export', { exposeHeadRoute: false, config: { scope: 'admin' } }, async (_request, reply) =>
      send(reply),
    )
    app.post('/api/export/link', { config: { scope: 'admin' } }, async (_request, reply) => {
      const now = Date.now()
      for (const [key, expires] of tickets) if (expires <= now || tickets.size >= MAX_LINKS) tickets.delete(key)
      const ticket = randomBytes(32).toString('base64url')
      tickets.set(hash(ticket), now + EXPORT_LINK_MS)
      return reply.code(201).send({
        url: `/api/export/download?ticket=${ticket}`,
        expires: new Date(now + EXPORT_LINK_MS).toISOString(),
      })
    })
    // Public: the one-time ticket is the credential (the route above checked the admin who asked for it).
    app.get(
      '/api/export/download',
      { exposeHeadRoute: false, config: { scope: 'public' } },
      async (request, reply) => {
        const key = hash(parse(Download, request.query, 'query').ticket)
        const expires = tickets.get(key)
        tickets.delete(key)
        if (expires === undefined || expires <= Date.now())
          throw new CoreError('UNAUTHORIZED', 'this backup link was used or has expired: choose Back up again')
        reply.header('cache-control', 'no-store')
        return send(reply)
      },
    )
  }
}
