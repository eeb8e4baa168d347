import { createCore } from '../main/core/index.js'
import { createLogger } from '../main/core/log.js'
import type { CliContext } from './index.js'

const HARD_EXIT_MS = 4500
/** How often `tack serve` run by an npm script checks that its parent is still there. */
const PARENT_POLL_MS = 500

export async function serveCommand(ctx: CliContext): Promise<number | undefined> {
  const log = createLogger({ level: ctx.config.logLevel })
  const core = createCore(ctx.config, log)
  let stopping: Promise<void> | undefined
  // A signal stops the core whatever it is doing (starting included) and exits; the core's stop is bounded
  // (about 5 s), and a second signal or the hard deadline exits at once: Kubo and MinIO, spawned through
  // tack-launcher, end with us even then.
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn(`${signal} again: exiting now`)
      process.exit(1)
    }
    log.info(`${signal}: stopping`)
    setTimeout(() => {
      log.warn(`not stopped within ${HARD_EXIT_MS} ms; exiting`)
      process.exit(1)
    }, HARD_EXIT_MS).unref()
    stopping = core.stop().then(() => {
      log.info('stopped')
      process.exit(0)
    })
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGHUP', () => shutdown('SIGHUP'))
  // Run by an npm script (`npm start`), Tack's parent is the shell npm spawned. npm passes a SIGTERM to that
  // shell only, which dies without passing it on (Debian's dash), and Tack would run on, orphaned, with its
  // Kubo and MinIO. So under npm the parent going away stops Tack as a SIGTERM does. Run any other way
  // (`tack serve &` from a shell that then exits, a service manager), the parent's exit means nothing.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid
    setInterval(() => {
      if (!stopping && process.ppid !== parent) shutdown('the npm script that started Tack exited')
    }, PARENT_POLL_MS).unref()
  }
  try {
    await core.start()
  } catch (err) {
    // A signal during the start: the shutdown above is stopping it and exits; the start's error is its echo.
    if (stopping) return await new Promise<undefined>(() => {})
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
