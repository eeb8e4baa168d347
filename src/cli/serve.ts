import { createCore } from '../main/core/index.js'
import { createLogger } from '../main/core/log.js'
import type { CliContext } from './index.js'

export async function serveCommand(ctx: CliContext): Promise<number | undefined> {
  const log = createLogger({ level: ctx.config.logLevel })
  const core = createCore(ctx.config, log)
  let stopping: Promise<void> | undefined
  const shutdown = (signal: string) => {
    if (stopping) return
    log.info(`${signal}: stopping`)
    stopping = core.stop().then(() => {
      log.info('stopped')
      process.exit(0)
    })
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  try {
    await core.start()
  } catch (err) {
    await core.stop()
    throw err
  }
  const status = await core.status()
  ctx.out(`Tack ${status.version} is listening on ${core.url()}`)
  ctx.out(`  Pinning Service API: ${core.url()}/api/pinning`)
  ctx.out(`  Kubo peer ID:        ${status.kubo.peerId}`)
  // The link's token works once, for 10 minutes: a log that keeps this line holds nothing usable for long.
  ctx.out(`  Open the UI:         ${core.loginUrl()}`)
  ctx.out('                       (the link works once, within 10 minutes; `tack login` prints a new one)')
  ctx.out(`  data dir:            ${ctx.config.dataDir}`)
  return undefined
}
