import { CoreError } from '../main/core/errors.js'
import { openState } from '../main/core/state.js'
import type { CliContext } from './index.js'

export async function accountCommand(ctx: CliContext): Promise<number> {
  const state = openState(ctx.config)
  try {
    const [sub, name] = ctx.args
    if (sub === 'create' && name) {
      const quota = ctx.values.quota
      const bytes = typeof quota === 'string' ? Number(quota) : undefined
      if (bytes !== undefined && !Number.isSafeInteger(bytes)) throw new CoreError('BAD_REQUEST', '--quota takes a number of bytes')
      const account = state.accounts.create(name, bytes)
      ctx.out(`created account ${account.name} (quota ${account.quotaBytes ?? 'unlimited'} bytes)`)
      return 0
    }
    if (sub === 'list') {
      for (const a of state.accounts.list())
        ctx.out([a.id, a.name, a.isOwner ? 'owner' : '', `quota ${a.quotaBytes ?? 'unlimited'}`].join('\t'))
      return 0
    }
    throw new CoreError('BAD_REQUEST', 'usage: tack account create NAME [--quota BYTES] | account list')
  } finally {
    state.close()
  }
}
