// /api/remotes (admin): the targets pins are forwarded to. Secrets go in, never come out.
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import type { Accounts } from '../../accounts/index.js'
import type { Remotes } from '../../remote/index.js'
import { parse } from '../parse.js'

const Body = z
  .object({
    name: z.string(),
    kind: z.enum(['cluster', 'psa']),
    url: z.string(),
    basicAuth: z.object({ user: z.string(), password: z.string() }).optional(),
    token: z.string().min(1).optional(),
    replicationMin: z.number().int().min(-1).optional(),
    replicationMax: z.number().int().min(-1).optional(),
    policy: z.enum(['accounts', 'meta']).default('accounts'),
    /** Account names; default: the caller's own account. */
    accounts: z.array(z.string()).optional(),
  })
  .strict()

export function remoteRoutes(deps: { remotes: Remotes; accounts: Accounts }): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/remotes', { config: { scope: 'admin' } }, () => ({ results: deps.remotes.list() }))
    app.post('/api/remotes', { config: { scope: 'admin' } }, async (request, reply) => {
      const b = parse(Body, request.body, 'body')
      const accountIds =
        b.policy === 'accounts'
          ? (b.accounts ?? [deps.accounts.get(request.principal!.accountId).name]).map((n) => deps.accounts.byName(n).id)
          : []
      const remote = await deps.remotes.add({
        name: b.name,
        kind: b.kind,
        url: b.url,
        auth: b.token ? { bearer: b.token } : b.basicAuth ? { basic: b.basicAuth } : undefined,
        replicationMin: b.replicationMin,
        replicationMax: b.replicationMax,
        policy: b.policy,
        accountIds,
      })
      return reply.code(201).send(remote)
    })
    app.delete('/api/remotes/:name', { config: { scope: 'admin' } }, async (request, reply) => {
      deps.remotes.remove((request.params as { name: string }).name)
      return reply.code(204).send()
    })
  }
}
