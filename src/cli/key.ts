import { CoreError } from '../main/core/errors.js'
import { openState } from '../main/core/state.js'
import type { CliContext } from './index.js'

export async function keyCommand(ctx: CliContext): Promise<number> {
  const state = openState(ctx.config)
  try {
    const [sub, id] = ctx.args
    if (sub === 'create') {
      const name = ctx.values.name
      if (typeof name !== 'string') throw new CoreError('BAD_REQUEST', 'key create needs --name')
      const account =
        Array.isArray(ctx.values.account) ? state.accounts.byName(ctx.values.account.at(-1)!) : state.accounts.ensureOwner()
      const { secret } = state.keys.create({ accountId: account.id, name, scopes: ctx.values.scope as string[] | undefined })
      ctx.out(secret)
      return 0
    }
    if (sub === 'list') {
      const names = new Map(state.accounts.list().map((a) => [a.id, a.name]))
      const keys = state.keys.list()
      if (ctx.values.json) ctx.out(JSON.stringify(keys))
      else
        for (const k of keys)
          ctx.out(
            [k.id, k.name, names.get(k.accountId), k.scopes.join(','), k.created.toISOString(),
              `last used ${k.lastUsed?.toISOString() ?? 'never'}`, k.revoked ? 'REVOKED' : 'active'].join('\t'),
          )
      return 0
    }
    if (sub === 'revoke' && id) {
      state.keys.revoke(id)
      ctx.out(`revoked ${id}`)
      return 0
    }
    throw new CoreError('BAD_REQUEST', 'usage: tack key create --name N [--scope S]... [--account A] | key list | key revoke ID')
  } finally {
    state.close()
  }
}
