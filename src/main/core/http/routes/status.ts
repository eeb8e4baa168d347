// GET /api/status: what a dashboard, a health check or `tack status` needs to know.
import type { FastifyPluginAsync } from 'fastify'

export interface StatusSource {
  status(): Promise<unknown>
}

export function statusRoutes(source: StatusSource): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/status', { config: { scope: 'any' } }, () => source.status())
  }
}
