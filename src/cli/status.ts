import { readFileSync } from 'node:fs'
import { runningUrl } from '../main/core/lock.js'
import { paths } from '../main/core/state.js'
import type { CliContext } from './index.js'

export async function statusCommand(ctx: CliContext): Promise<number> {
  const p = paths(ctx.config.dataDir)
  const url = runningUrl(p.pidFile)
  if (!url) {
    ctx.out(`Tack is not running on ${ctx.config.dataDir}`)
    return 3
  }
  const token = readFileSync(p.sessionToken, 'utf8').trim()
  const res = await fetch(`${url}/api/status`, { headers: { authorization: `Bearer ${token}` } })
  const status = (await res.json()) as Record<string, unknown>
  ctx.out(JSON.stringify(status, null, 2))
  return status.healthy ? 0 : 1
}
