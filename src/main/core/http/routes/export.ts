// GET /api/export (admin): the backup archive (backup/archive.ts), streamed as it is written. The database
// is snapshotted online first, so clients are never paused.
import type { FastifyPluginAsync } from 'fastify'
import { exportArchive, type ExportDeps } from '../../backup/export.js'

export function exportRoutes(deps: ExportDeps): FastifyPluginAsync {
  return async (app) => {
    // No automatic HEAD: it would build a whole archive to throw away.
    app.get('/api/export', { exposeHeadRoute: false, config: { scope: 'admin' } }, async (_request, reply) => {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-')
      reply
        .header('content-type', 'application/x-tar')
        .header('content-disposition', `attachment; filename="tack-backup-${stamp}.tar"`)
      return reply.send(exportArchive(deps))
    })
  }
}
