// /api/session: sign in by redeeming a one-time login token, sign out.
// A browser on the login link gets the session as an HttpOnly cookie (its secret never reaches the page) and
// a page token in the body, which the page keeps in sessionStorage and sends as X-Tack-Session: the cookie
// alone authorizes nothing, since every other server on 127.0.0.1 receives it (sessions/index.ts). The
// desktop window (origin app://tack) calls the API cross-origin, where a SameSite=Strict cookie is never
// sent, so an answer to exactly that Origin carries the secret instead, kept in memory as a Bearer token.
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { APP_ORIGIN } from '../../../../shared/app-origin.js'
import type { Accounts } from '../../accounts/index.js'
import type { Sessions } from '../../sessions/index.js'
import { clearedSessionCookie, sessionCookie } from '../../sessions/cookie.js'
import { parse } from '../parse.js'
import { principalOf } from '../server.js'

const SignIn = z.object({ token: z.string().min(1).max(200) })

export function sessionRoutes(deps: { sessions: Sessions; accounts: Pick<Accounts, 'get'> }): FastifyPluginAsync {
  return async (app) => {
    app.post('/api/session', { config: { scope: 'public' } }, async (request, reply) => {
      const { token } = parse(SignIn, request.body, 'body')
      const desktop = request.headers.origin === APP_ORIGIN
      const { session, secret, pageToken, idleMs } = deps.sessions.redeem(token, desktop ? 'bearer' : 'browser')
      const account = deps.accounts.get(session.accountId)
      const body = { account: { id: account.id, name: account.name }, idleTimeoutSeconds: Math.round(idleMs / 1000) }
      // A public route gets no cache header from the auth hook; this answer holds a credential.
      reply.header('cache-control', 'no-store')
      if (desktop) return reply.code(201).send({ ...body, secret })
      return reply
        .code(201)
        .header('set-cookie', sessionCookie(secret))
        .send({ ...body, pageToken })
    })
    app.delete('/api/session', { config: { scope: 'any' } }, async (request, reply) => {
      const { sessionId } = principalOf(request)
      if (sessionId !== undefined) deps.sessions.end(sessionId)
      return reply.code(204).header('set-cookie', clearedSessionCookie()).send()
    })
  }
}
