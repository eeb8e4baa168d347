import type { CliContext } from './index.js'
import { getFromRunning } from './running.js'

interface Status {
  healthy?: boolean
  components?: Record<string, { health: string; detail?: string }>
}

/** Prints the running server's status (JSON on stdout); exit 0 healthy, 1 degraded, 3 not running. */
export async function statusCommand(ctx: CliContext): Promise<number> {
  const status = await getFromRunning<Status>(ctx.config, '/api/status')
  if (!status) {
    ctx.out(`Tack is not running on ${ctx.config.dataDir}`)
    return 3
  }
  ctx.out(JSON.stringify(status, null, 2))
  // What is wrong, in a line a person reads, beside the JSON a script reads.
  for (const [name, c] of Object.entries(status.components ?? {}))
    if (c.health !== 'ok') process.stderr.write(`${name} ${c.health}${c.detail ? `: ${c.detail}` : ''}\n`)
  return status.healthy ? 0 : 1
}
