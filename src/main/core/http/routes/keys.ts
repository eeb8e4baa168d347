// /api/keys: an admin manages keys for any account; any key may list its own account's keys and revoke
// those that can do nothing it cannot (keys.revoke).
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import type { Accounts } from '../../accounts/index.js'
import type { ApiKey, Keys } from '../../keys/index.js'
import { parse } from '../parse.js'
import { principalOf } from '../server.js'

const CreateBody = z.object({
  name: z.string(),
  scopes: z.array(z.string()).optional(),
  account: z.string().optional(),
})

export function serializeKey(key: ApiKey) {
  return {
    id: key.id,
    accountId: key.accountId,
    name: key.name,
    scopes: key.scopes,
    created: key.created.toISOString(),
    lastUsed: key.lastUsed?.toISOString() ?? null,
    revoked: key.revoked?.toISOString() ?? null,
  }
}

export function keyRoutes(deps: { keys: Keys; accounts: Accounts }): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/keys', { config: { scope: 'any' } }, (request) => {
      const me = principalOf(request)
      const all = me.scopes.includes('admin') && (request.query as { all?: string }).all === 'true'
      return { results: deps.keys.list(all ? undefined : me.accountId).map(serializeKey) }
    })
    app.post('/api/keys', { config: { scope: 'admin' } }, async (request, reply) => {
      const body = parse(CreateBody, request.body, 'body')
      const account = body.account
        ? deps.accounts.byName(body.account)
        : deps.accounts.get(principalOf(request).accountId)
      const { key, secret } = deps.keys.create({ accountId: account.id, name: body.name, scopes: body.scopes })
      return reply.code(201).send({ ...serializeKey(key), secret })
    })
    app.delete('/api/keys/:id', { config: { scope: 'any' } }, async (request, reply) => {
      const { id } = request.params as { id: string }
      deps.keys.revoke(id, principalOf(request))
      return reply.code(204).send()
    })
  }
}
