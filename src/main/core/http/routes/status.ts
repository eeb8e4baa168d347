// GET /api/status: what a dashboard, a health check or `tack status` needs to know.
import type { FastifyPluginAsync } from 'fastify'
import { principalOf } from '../server.js'

export interface StatusSource {
  status(options: { remotes: boolean }): Promise<unknown>
}

export function statusRoutes(source: StatusSource): FastifyPluginAsync {
  return async (app) => {
    // Any key; the forwarding targets (their URLs, the accounts they serve, their errors) only for an admin.
    app.get('/api/status', { config: { scope: 'any' } }, (request) =>
      source.status({ remotes: principalOf(request).scopes.includes('admin') }),
    )
  }
}
