// Fastify with Tack's rules: Bearer auth on every /api/* route except the gateway, scopes declared per
// route (`config: { scope }`), one error handler, PSA Failure bodies for everything that is not a success.
// Routes are plugins handed in by the composition root; this file knows no domain.
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import type { Authenticator, Principal } from '../auth.js'
import { requireScope } from '../auth.js'
import { CoreError } from '../errors.js'
import type { Scope } from '../keys/index.js'
import type { Logger } from '../log.js'
import { APP_ORIGIN } from '../../../shared/app-origin.js'
import { errorHandler, sendFailure } from './errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal
  }
  interface FastifyContextConfig {
    /** The scope a route needs; `public` for routes without auth (the gateway), `any` for any valid key. */
    scope?: Scope | 'any' | 'public'
  }
}

export interface HttpInit {
  log: Logger
  auth: Authenticator
  routes: FastifyPluginAsync[]
  bodyLimit?: number
}

/** The principal of an authenticated request (routes with a scope always have one). */
export function principalOf(request: { principal?: Principal }): Principal {
  if (!request.principal) throw new CoreError('UNAUTHORIZED', 'not authenticated')
  return request.principal
}

export async function createHttpApp(init: HttpInit): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: init.bodyLimit ?? 1024 * 1024,
    // Kubo sends `before=...` timestamps with `+` in them; keep query parsing to the standard.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
  })
  app.setErrorHandler(errorHandler(init.log))
  app.setNotFoundHandler((request, reply) =>
    sendFailure(reply, new CoreError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  )
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return
    // The desktop renderer (app://tack) calls the API cross-origin; it is the only origin allowed to read
    // answers. A browser on the login link is same-origin and needs nothing.
    if (request.headers.origin === APP_ORIGIN) {
      reply.header('access-control-allow-origin', APP_ORIGIN).header('vary', 'origin')
      if (request.method === 'OPTIONS') {
        return reply
          .code(204)
          .header('access-control-allow-headers', 'authorization, content-type')
          .header('access-control-allow-methods', 'GET, HEAD, PUT, POST, PATCH, DELETE')
          .header('access-control-max-age', '600')
          .send()
      }
    }
    const scope = request.routeOptions.config?.scope
    if (scope === 'public') return
    // Unknown /api routes need a key too, so probing reveals nothing; the not-found handler then answers.
    request.principal = init.auth.authenticate(request.headers.authorization)
    if (scope && scope !== 'any') requireScope(request.principal, scope)
  })
  app.addHook('onSend', async (request, reply, payload) => {
    // Nothing Tack's API answers should be cached by a browser or proxy, except the gateway.
    if (request.url.startsWith('/api/') && !request.url.startsWith('/api/gateway')) reply.header('cache-control', 'no-store')
    return payload
  })
  for (const routes of init.routes) await app.register(routes)
  return app
}
