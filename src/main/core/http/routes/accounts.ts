// /api/accounts: admins list and create accounts and set quotas; /api/accounts/me is the caller's own.
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import type { Account, Accounts } from '../../accounts/index.js'
import { parse } from '../parse.js'
import { principalOf } from '../server.js'

/** How many bytes an account uses; filled in by the domains that store things (pins, files). */
export type UsageOf = (accountId: number) => number
/** The two parts of usage: what Kubo holds pinned for the account (its pins, pinned uploads among them) and
 *  what only the object store holds (uploads not pinned, private ones). */
export type UsagePartsOf = (accountId: number) => { pinned: number; stored: number }

const CreateBody = z.object({ name: z.string(), quota: z.number().int().min(0).nullable().optional() })
const QuotaBody = z.object({ quota: z.number().int().min(0).nullable() })

export function accountRoutes(deps: {
  accounts: Accounts
  usageOf: UsageOf
  usagePartsOf?: UsagePartsOf
}): FastifyPluginAsync {
  const serialize = (a: Account) => ({
    id: a.id,
    name: a.name,
    quota: a.quotaBytes,
    usage: deps.usageOf(a.id),
    owner: a.isOwner,
    created: a.created.toISOString(),
  })
  return async (app) => {
    app.get('/api/accounts/me', { config: { scope: 'any' } }, (request) => {
      const me = principalOf(request)
      const parts = deps.usagePartsOf?.(me.accountId)
      return {
        ...serialize(deps.accounts.get(me.accountId)),
        scopes: me.scopes,
        ...(parts ? { usageParts: parts } : {}),
      }
    })
    app.get('/api/accounts', { config: { scope: 'admin' } }, () => ({
      results: deps.accounts.list().map(serialize),
    }))
    app.post('/api/accounts', { config: { scope: 'admin' } }, async (request, reply) => {
      const body = parse(CreateBody, request.body, 'body')
      return reply.code(201).send(serialize(deps.accounts.create(body.name, body.quota)))
    })
    app.patch('/api/accounts/:id', { config: { scope: 'admin' } }, (request) => {
      const body = parse(QuotaBody, request.body, 'body')
      const id = Number((request.params as { id: string }).id)
      return serialize(deps.accounts.setQuota(id, body.quota))
    })
  }
}
