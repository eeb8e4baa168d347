// `tack login`: a fresh one-time login link for the running server. The token goes into the shared SQLite
// file (hashed), where the server redeems it; the link is printed alone on stdout, like a key's secret.
import { runningUrl } from '../main/core/lock.js'
import { createSessions, DEFAULT_LOGIN_TTL_MS } from '../main/core/sessions/index.js'
import { openState, paths } from '../main/core/state.js'
import type { CliContext } from './index.js'

export async function loginCommand(ctx: CliContext): Promise<number> {
  const url = await runningUrl(paths(ctx.config.dataDir).pidFile)
  if (!url) {
    process.stderr.write(`tack: Tack is not running on ${ctx.config.dataDir}; start it with \`tack serve\` first\n`)
    return 3
  }
  const state = openState(ctx.config)
  try {
    const token = createSessions(state.db).mintLoginToken(state.accounts.ensureOwner().id)
    ctx.out(`${url}/#token=${token}`)
    process.stderr.write(`This link signs in once, within ${DEFAULT_LOGIN_TTL_MS / 60_000} minutes.\n`)
    return 0
  } finally {
    state.close()
  }
}
