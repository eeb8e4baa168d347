// Fastify with Tack's rules. Auth is a property of the route that matched: every route declares its policy
// when it is registered (`config: { scope }`: 'public', 'any' key, or a scope such as 'admin'), a route
// without one refuses to register, and one hook reads the policy of the matched route, never the URL
// string, so no spelling of a path reaches a handler unauthenticated. Before that, the Host (and for
// state-changing requests the Origin) must name this listener. One error handler turns every failure into
// a PSA Failure body. Routes are plugins handed in by the composition root; this file knows no domain.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyRequest } from 'fastify'
import type { Authenticator, Principal } from '../auth.js'
import { PAGE_TOKEN_HEADER, requireScope } from '../auth.js'
import { CoreError } from '../errors.js'
import type { Scope } from '../keys/index.js'
import type { Logger } from '../log.js'
import { APP_ORIGIN } from '../../../shared/app-origin.js'
import { fastifyTimeouts, guardConnections, type ConnectionLimits } from './connections.js'
import { errorHandler, sendFailure } from './errors.js'
import { createHostPolicy } from './hosts.js'

/** Who may call a route: anyone, any valid key, or a key with this scope. */
export type RoutePolicy = 'public' | 'any' | Scope

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal
  }
  interface FastifyContextConfig {
    /** Required on every route (registration fails without it). */
    scope?: RoutePolicy
  }
}

export interface RouteInfo {
  method: string
  url: string
  policy: RoutePolicy
}

export interface HttpInit {
  log: Logger
  auth: Authenticator
  routes: FastifyPluginAsync[]
  bodyLimit?: number
  /** Host names this listener answers to besides the loopback ones (the configured host, LAN addresses). */
  hostNames?: () => readonly string[]
  /** Timeouts and the connection cap of this listener (http/connections.ts); none: Node's defaults. */
  connections?: ConnectionLimits
}

export interface HttpApp {
  app: FastifyInstance
  /** Every route with its policy, as registered (the route table the auth tests walk). */
  routes: readonly RouteInfo[]
}

/** The principal of an authenticated request (routes with a scope always have one). */
export function principalOf(request: { principal?: Principal }): Principal {
  if (!request.principal) throw new CoreError('UNAUTHORIZED', 'not authenticated')
  return request.principal
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
// Long enough for a CIDv1 of a 512-bit multihash in base32 (about 110 characters) and then some; longer
// parameters get a PSA 400 from frameworkErrors instead of Fastify's own 414 body.
export const MAX_PARAM_LENGTH = 512

/** The policy of the route that matched. A request no route matched hears 404 from anyone: the API's routes
 *  are documented, so a 401 there would hide nothing. */
function policyOf(request: FastifyRequest): RoutePolicy {
  if (request.is404) return 'public'
  const policy = request.routeOptions.config?.scope
  // Registration refuses routes without a policy, so this is only a guard against a future bypass of it.
  if (!policy) throw new CoreError('FORBIDDEN', 'this route declares no access policy')
  return policy
}

export async function createHttpApp(init: HttpInit): Promise<HttpApp> {
  const app = Fastify({
    logger: false,
    bodyLimit: init.bodyLimit ?? 1024 * 1024,
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: MAX_PARAM_LENGTH },
    // Malformed URLs and over-long parameters are answered before any route: as PSA Failures, not Fastify's.
    frameworkErrors: (err, _request, reply) => sendFailure(reply, new CoreError('BAD_REQUEST', err.message)),
    ...(init.connections ? fastifyTimeouts(init.connections) : {}),
  })
  const guard = init.connections && guardConnections(app.server, init.connections)
  const routes: RouteInfo[] = []
  app.addHook('onRoute', (route) => {
    const policy = route.config?.scope
    if (!policy) throw new Error(`route ${String(route.method)} ${route.url} declares no access policy (config.scope)`)
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, policy })
  })
  const hosts = createHostPolicy({ names: init.hostNames ?? (() => []), appOrigin: APP_ORIGIN })
  // Read once it listens: server.address() is a getsockname call, 10 µs of every request when asked each time.
  let port: number | undefined
  const listeningPort = () => {
    if (port !== undefined) return port
    const address = app.server.address()
    port = typeof address === 'object' && address ? address.port : undefined
    return port
  }

  app.setErrorHandler(errorHandler(init.log))
  app.setNotFoundHandler((request, reply) =>
    sendFailure(
      reply,
      new CoreError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`),
    ),
  )
  app.addHook('onRequest', async (request, reply) => {
    guard?.track(request.raw, reply.raw)
    reply.header('x-request-id', request.id)
    const port = listeningPort()
    if (!hosts.hostAllowed(request.headers.host, port))
      throw new CoreError('FORBIDDEN', `this server does not answer to the host "${request.headers.host ?? ''}"`)
    const origin = request.headers.origin
    if (origin !== undefined && !SAFE_METHODS.has(request.method) && !hosts.originAllowed(origin, port))
      throw new CoreError('FORBIDDEN', `requests from the origin "${origin}" are not accepted`)
    // The desktop renderer (app://tack) calls the API cross-origin; it is the only origin allowed to read
    // answers. A browser on the login link is same-origin and needs nothing.
    if (origin === APP_ORIGIN) {
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
    const policy = policyOf(request)
    if (policy === 'public') return
    // Nothing behind a key may be cached by a browser or proxy.
    reply.header('cache-control', 'no-store')
    const pageToken = request.headers[PAGE_TOKEN_HEADER]
    request.principal = init.auth.authenticate(
      request.headers.authorization,
      request.headers.cookie,
      typeof pageToken === 'string' ? pageToken : undefined,
    )
    if (policy !== 'any') requireScope(request.principal, policy)
  })
  for (const plugin of init.routes) await app.register(plugin)
  return { app, routes }
}
