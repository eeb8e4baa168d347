// createCore: the only place that wires Tack's components. Each has start()/stop(); they start in order
// (db, kubo, minio, pins, remote, http) and stop in reverse, and nothing they spawn outlives stop().
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { createAuthenticator, newSessionToken } from './auth.js'
import { kuboPackageBinary, projectRoot, resolveBinary } from './binaries.js'
import type { Config } from './config.js'
import { createEventBus, type EventBus } from './events.js'
import { createHttpApp } from './http/server.js'
import { accountRoutes } from './http/routes/accounts.js'
import { eventRoutes } from './http/routes/events.js'
import { keyRoutes } from './http/routes/keys.js'
import { pinRoutes } from './http/routes/pins.js'
import { statusRoutes } from './http/routes/status.js'
import { createKubo, type KuboNode } from './kubo/index.js'
import { lockDataDir, type DataDirLock } from './lock.js'
import type { Logger } from './log.js'
import { createPins, type Pins } from './pins/index.js'
import { openState, paths, type State } from './state.js'

export type ComponentHealth = 'ok' | 'starting' | 'degraded' | 'down'

export interface Core {
  readonly config: Config
  readonly state: State
  readonly kubo: KuboNode
  readonly pins: Pins
  /** Live events for the UI (`GET /api/events`). */
  readonly events: EventBus
  /** The token that signs the UI and the CLI in as the owner; valid until stop(). */
  readonly sessionToken: string
  /** Where the API listens, once started. */
  url(): string
  /** The login link for the browser UI. */
  loginUrl(): string
  status(): Promise<CoreStatus>
  start(): Promise<void>
  stop(): Promise<void>
}

export interface CoreStatus {
  version: string
  healthy: boolean
  components: Record<string, { health: ComponentHealth; detail?: string }>
  kubo: { peerId?: string; addresses: string[]; version?: string; restarts: number; peers?: number }
  url: string
}

interface Component {
  name: string
  start(): Promise<void>
  stop(): Promise<void>
}

export const VERSION: string = (
  JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }
).version

export function createCore(config: Config, log: Logger): Core {
  mkdirSync(config.dataDir, { recursive: true })
  const p = paths(config.dataDir)
  const state = openState(config)
  const sessionToken = newSessionToken()
  const kubo = createKubo({
    binary: resolveBinary(
      { name: 'kubo', file: 'ipfs', explicit: config.kuboBinary, fromPackage: kuboPackageBinary },
      config.resourcesPath,
    ),
    repoPath: p.kuboRepo,
    network: config.ipfsNetwork,
    log: log.child('core:kubo'),
    processLog: log.child('kubo'),
  })
  const events = createEventBus()
  // An account's usage is everything it stores; each storing domain adds its part here.
  const usageOf = (accountId: number) => pins.usageOf(accountId)
  const pins = createPins(
    {
      db: state.db,
      kubo: kubo.client,
      identity: () => kubo.identity(),
      accounts: state.accounts,
      events,
      log: log.child('core:pins'),
    },
    { concurrency: config.pinConcurrency, timeoutMs: config.pinTimeoutMs, accountUsage: usageOf },
  )
  const auth = createAuthenticator({ keys: state.keys, accounts: state.accounts, sessionToken })
  let app: FastifyInstance | undefined
  let url = ''
  let lock: DataDirLock | undefined

  const kuboHealth = (): ComponentHealth =>
    ({ running: 'ok', starting: 'starting', restarting: 'degraded' } as const)[kubo.supervisor.state as string] ?? 'down'

  const core: Core = {
    config,
    state,
    kubo,
    pins,
    events,
    sessionToken,
    url: () => url,
    loginUrl: () => `${url}/#token=${sessionToken}`,
    async status() {
      const components = {
        db: { health: 'ok' as ComponentHealth },
        kubo: { health: kuboHealth(), detail: kubo.supervisor.lastError },
        http: { health: (app ? 'ok' : 'down') as ComponentHealth },
      }
      const id = kubo.identity()
      let peers: number | undefined
      if (components.kubo.health === 'ok') peers = await kubo.client.peerCount().catch(() => undefined)
      return {
        version: VERSION,
        healthy: Object.values(components).every((c) => c.health === 'ok'),
        components,
        kubo: { peerId: id?.ID, addresses: id?.Addresses ?? [], version: kubo.version(), restarts: kubo.supervisor.restarts, peers },
        url,
      }
    },
    async start() {
      lock = lockDataDir(p.pidFile)
      const started: Component[] = []
      try {
        for (const c of components) {
          await c.start()
          started.push(c)
        }
      } catch (err) {
        for (const c of started.reverse()) await c.stop().catch(() => {})
        lock.release()
        throw err
      }
    },
    async stop() {
      for (const c of [...components].reverse()) {
        try {
          await c.stop()
        } catch (err) {
          log.error(`stopping ${c.name} failed`, { error: String(err) })
        }
      }
      lock?.release()
    },
  }

  const components: Component[] = [
    // The db is opened eagerly (the CLI shares the file) and closed last.
    { name: 'db', start: async () => {}, stop: async () => state.close() },
    { name: 'kubo', start: () => kubo.start(), stop: () => kubo.stop() },
    { name: 'pins', start: () => pins.start(), stop: () => pins.stop() },
    {
      name: 'http',
      async start() {
        app = await createHttpApp({
          log: log.child('core:http'),
          auth,
          routes: [
            statusRoutes(core),
            keyRoutes(state),
            accountRoutes({ accounts: state.accounts, usageOf }),
            pinRoutes(pins),
            eventRoutes(events),
          ],
        })
        await app.listen({ host: config.host, port: config.port })
        const address = app.server.address()
        const port = typeof address === 'object' && address ? address.port : config.port
        url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
        // The session token reaches the CLI through a file only this user can read.
        writeFileSync(p.sessionToken, sessionToken, { mode: 0o600 })
        chmodSync(p.sessionToken, 0o600)
        lock?.setUrl(url)
      },
      async stop() {
        rmSync(p.sessionToken, { force: true })
        await app?.close()
        app = undefined
      },
    },
  ]

  return core
}
