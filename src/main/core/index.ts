// createCore: the only place that wires Tack's components. Each has start()/stop(); they start in order
// (db, then kubo and minio together, pins, remote, http) and stop in reverse, and nothing they spawn outlives stop().
import { chmodSync, rmSync, writeFileSync } from 'node:fs'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { createAuthenticator, newLocalToken } from './auth.js'
import { kuboPackageBinary, projectRoot, resolveBinary } from './binaries.js'
import type { Config } from './config.js'
import { createEventBus, type EventBus } from './events.js'
import { createFiles, type Files } from './files/index.js'
import { keepingBytes } from './files/placement.js'
import { createUploadSlots } from './files/upload-slots.js'
import { createGateway } from './gateway/index.js'
import { createRelay } from './relay/index.js'
import { createViewEvents } from './gateway/view-events.js'
import { createLanSharing, lanAddresses, lanRootRoute } from './http/lan.js'
import { createHttpApp, type RouteInfo } from './http/server.js'
import { accountRoutes } from './http/routes/accounts.js'
import { eventRoutes } from './http/routes/events.js'
import { fileRoutes } from './http/routes/files.js'
import { linkRoutes, signedLinkRoutes } from './http/routes/links.js'
import { createCarImporter, createCarUploads, isCarBlob } from './car/index.js'
import { carLimits } from './car/verify.js'
import { jobsStatus, type JobsStatus } from './jobs-status.js'
import { createLinks } from './links/index.js'
import { createAddDefault } from './files/add-default.js'
import { createGatewayTemplate } from './links/gateway-template.js'
import { createPeerCount } from './kubo/peers.js'
import { gatewayRoutes } from './http/routes/gateway.js'
import { settingsRoutes } from './http/routes/settings.js'
import { keyRoutes } from './http/routes/keys.js'
import { pinRoutes } from './http/routes/pins.js'
import { statusRoutes } from './http/routes/status.js'
import { exportRoutes } from './http/routes/export.js'
import { removeStaleSpools } from './backup/spool.js'
import { uiRoutes } from './http/routes/ui.js'
import { createKubo, type KuboNode } from './kubo/index.js'
import { collectingAfterUnpin, createGc, createGcGate, type Gc } from './kubo/gc.js'
import { lockDataDir, type DataDirLock } from './lock.js'
import type { Logger } from './log.js'
import { createMinio, type MinioNode } from './minio/index.js'
import { createPins, type Pins } from './pins/index.js'
import { findLauncher } from './process/launcher.js'
import { createSessions, type SessionsInit } from './sessions/index.js'
import { sessionRoutes } from './http/routes/session.js'
import { forwardingHealth } from './remote/health.js'
import { createRemotes, type Remotes } from './remote/index.js'
import { remoteRoutes } from './http/routes/remotes.js'
import { createUploadPins } from './pins/uploads.js'
import { checkpointEvery } from './db/index.js'
import { openState, paths, type State } from './state.js'

export type ComponentHealth = 'ok' | 'starting' | 'degraded' | 'down'

export interface Core {
  readonly config: Config
  readonly state: State
  readonly kubo: KuboNode
  readonly pins: Pins
  readonly minio: MinioNode
  readonly files: Files
  readonly remotes: Remotes
  /** Kubo's garbage collection as Tack runs it (kubo/gc.ts): runNow() waits for the jobs holding the gate. */
  readonly gc: Pick<Gc, 'runNow'>
  /** Live events for the UI (`GET /api/events`). */
  readonly events: EventBus
  /** The API's route table with each route's access policy (empty until started). */
  routes(): readonly RouteInfo[]
  /** The owner's local credential: the CLI reads it from a 0600 file, the desktop shell sends it on its own
   *  calls. Valid until stop(); never in a link or a log. */
  readonly localToken: string
  /** A fresh one-time login token for the owner, redeemed at `POST /api/session`. */
  loginToken(): string
  /** Where the API listens, once started. */
  url(): string
  /** A login link for the browser UI with a fresh one-time token (it works once, for 10 minutes). */
  loginUrl(): string
  /** `remotes: false` leaves the forwarding targets out (a caller without the admin scope). */
  status(options?: { remotes?: boolean }): Promise<CoreStatus>
  start(): Promise<void>
  stop(): Promise<void>
}

export interface CoreStatus {
  version: string
  healthy: boolean
  components: Record<string, { health: ComponentHealth; detail?: string }>
  kubo: { peerId?: string; addresses: string[]; version?: string; restarts: number; peers?: number }
  url: string
  /** LAN sharing of the gateway: the URLs to give to other devices while it is on. */
  lan: { enabled: boolean; urls: string[] }
  /** The start's move of pinned uploads out of the object store (files/placement.ts): blobs done of total. */
  migration: { done: number; total: number; running: boolean }
  /** TACK_IPFS_NETWORK: `local` means nothing here is reachable from the public IPFS network. */
  network: 'public' | 'local'
  /** Forwarding targets with how many pins stand in each state there: for an admin caller only. */
  remotes?: ReturnType<Remotes['list']>
  /** Upload pin jobs and the GC, with those stalled (jobs-status.ts); CIDs for an admin caller only. */
  jobs: JobsStatus
}

interface Component {
  name: string
  start(): Promise<void>
  stop(): Promise<void>
}

export const VERSION: string = (
  JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }
).version

const UNSPECIFIED = new Set(['0.0.0.0', '::', '[::]'])

export interface CoreOptions {
  /** Sign-in timings (login token lifetime, session idle time); tests shorten them. */
  sessions?: SessionsInit
  /** Never open the LAN listener, whatever was remembered (`tack export`/`tack import` running a core of their own). */
  noLan?: boolean
}

export function createCore(config: Config, log: Logger, options: CoreOptions = {}): Core {
  const p = paths(config.dataDir)
  const state = openState(config)
  const localToken = newLocalToken()
  const sessions = createSessions(state.db, options.sessions)
  // Kubo and MinIO are spawned through tack-launcher, which ends them when Tack dies, even by kill -9.
  const launcher = findLauncher(config.resourcesPath)
  const kubo = createKubo({
    launcher,
    binary: resolveBinary(
      { name: 'kubo', file: 'ipfs', explicit: config.kuboBinary, fromPackage: kuboPackageBinary },
      config.resourcesPath,
    ),
    repoPath: p.kuboRepo,
    apiSecretFile: p.kuboApiSecret,
    network: config.ipfsNetwork,
    log: log.child('core:kubo'),
    processLog: log.child('kubo'),
  })
  const minio = createMinio({
    launcher,
    // Resolved at start, and only for the bundled MinIO: an external S3 endpoint needs no binary.
    binary: () => resolveBinary({ name: 'minio', file: 'minio', explicit: config.minioBinary }, config.resourcesPath),
    dataDir: p.minioData,
    settingsFile: p.minioSettings,
    pidFile: p.minioPid,
    config,
    log: log.child('core:minio'),
    processLog: log.child('minio'),
  })
  const events = createEventBus()
  // Tack decides when Kubo collects garbage: every unpin (pins or files) schedules a run (kubo/gc.ts); add+pin
  // jobs of uploads hold the gate so a run never takes their blocks half-way.
  const gcGate = createGcGate()
  const gc = createGc({
    kubo: kubo.client,
    delayMs: config.gcDelayMs,
    timeoutMs: config.gcGateTimeoutMs,
    gate: gcGate,
    db: state.db,
    log: log.child('core:gc'),
  })
  // Every unpin first copies back the bytes only Kubo held that an upload still needs (files/placement.ts).
  const unpinning = keepingBytes(collectingAfterUnpin(kubo.client, gc), () => files.placement)
  // An account's usage is everything it stores; each storing domain adds its part here (files leaves out
  // uploads that are pin objects too, so each CID counts once).
  const usageOf = (accountId: number) => pins.usageOf(accountId) + files.usageOf(accountId)
  const pins = createPins(
    {
      db: state.db,
      kubo: unpinning,
      identity: () => kubo.identity(),
      accounts: state.accounts,
      events,
      log: log.child('core:pins'),
    },
    {
      concurrency: config.pinConcurrency,
      timeoutMs: config.pinTimeoutMs,
      stallTimeoutMs: config.pinSearchMs,
      // Before a GC the pin scheduler aborts its fetches (Kubo's GC would wait on them) and resumes after.
      gate: gcGate,
      accountUsage: usageOf,
      heldElsewhere: (multihash) => files.repo.holdsInKubo(multihash),
      extraInfo: (pin) => remotes.infoFor(pin),
      maxPending: config.maxPendingPins,
    },
  )
  const remotes = createRemotes({
    db: state.db,
    log: log.child('core:remote'),
    localPins: () => pins.pinned(),
    origins: () => pins.delegates(),
    pollMs: config.remotePollMs,
    ownPorts: () => ownPorts(),
    // The UI shows each pin's state per target: tell it, as a pin event that is not a change of the object.
    onChange: (multihash) => pins.forwardingChanged(multihash),
  })
  // Any change to a pin object may change what belongs at the targets (a change at a target does not).
  events.subscribe(undefined, (event) => {
    if (event.type === 'pin' && !event.forwarding) remotes.wake()
    // A failed pin may have fetched part of its DAG: unpinned blocks that only a GC takes away.
    if (event.type === 'pin' && event.status === 'failed') gc.schedule()
    // A pin object gone: an upload nobody pins any more reads (and is) unpinned; synchronous, before the release.
    if (event.type === 'pin' && event.deleted) files.pinGone(event.cid)
  })
  const files: Files = createFiles({
    db: state.db,
    store: minio.store,
    kubo: unpinning,
    gcGate,
    accounts: state.accounts,
    usageOf,
    uploadPins: createUploadPins({ db: state.db, events, pins }),
    pinnedElsewhere: (multihash) => pins.holds(multihash),
    removePin: (accountId, requestid) => pins.remove(accountId, requestid),
    car: createCarImporter({ db: state.db, store: minio.store, kubo: kubo.client }),
    gateTimeoutMs: config.gcGateTimeoutMs,
    publish: (event) => events.publish({ ...event }),
    maxPathDepth: config.maxPathDepth,
    log: log.child('core:files'),
  })
  const cars = createCarUploads({
    db: state.db,
    repo: files.repo,
    pinner: files.pinner,
    store: minio.store,
    accounts: state.accounts,
    usageOf,
    limits: carLimits(config),
    log: log.child('core:car'),
  })
  const uploadSlots = createUploadSlots(config.maxUploadsPerKey)
  const links = createLinks({ db: state.db, repo: files.repo })
  const addDefault = createAddDefault(state.db)
  const gatewayTemplate = createGatewayTemplate(state.db)
  const peerCount = createPeerCount(kubo.client)
  // The gateway counts a view through repo.touch; an open Files page hears of it (throttled, gateway/view-events.ts).
  const views = createViewEvents({ rowsOf: (cid) => files.repo.rowsByCid(cid), publish: (e) => events.publish(e) })
  const gateway = createGateway({
    repo: {
      ...files.repo,
      touch: (cid: string) => {
        const counted = files.repo.touch(cid)
        views.viewed(cid)
        return counted
      },
    },
    pinner: files.pinner,
    store: minio.store,
    kuboGatewayUrl: () => kubo.gatewayUrl(),
    kuboGatewaySocket: () => kubo.gatewaySocket(),
    pinnedByAccount: (multihash) => pins.holds(multihash),
    isCar: (cid) => isCarBlob(state.db, cid),
    redirect: config.gatewayRedirect,
    log: log.child('core:gateway'),
  })
  // Large gateway reads are sent by tack-launcher's byte relay (gateway/relay.ts), on the API port and the LAN.
  const relay = createRelay({ launcher, log: log.child('core:relay') })
  const auth = createAuthenticator({ keys: state.keys, accounts: state.accounts, sessions, localToken })
  let app: FastifyInstance | undefined
  let routeTable: readonly RouteInfo[] = []
  let url = ''
  let lock: DataDirLock | undefined
  const timeouts = { headersTimeoutMs: config.headersTimeoutMs, idleSocketMs: config.idleSocketMs }
  const lan = createLanSharing({
    port: config.lanPort,
    forceOn: config.lan,
    db: state.db,
    auth,
    routes: [gatewayRoutes(gateway, relay), signedLinkRoutes({ links, gateway, relay }), lanRootRoute()],
    connections: { ...timeouts, maxConnections: config.lanMaxConnections },
    log: log.child('core:lan'),
  })
  // Tack's own listeners as they are now; a forwarding target on this machine at one of them is refused.
  const ownPorts = () => {
    const ports = [
      config.port,
      config.lanPort,
      ...[url, ...lan.urls()].filter(Boolean).map((u) => Number(new URL(u).port)),
    ]
    const tryPorts = (read: () => number[]) => {
      try {
        ports.push(...read())
      } catch {
        // Not started yet: it has no ports to protect.
      }
    }
    tryPorts(() => Object.values(kubo.ports()))
    if (minio.supervisor) tryPorts(() => [Number(new URL(minio.endpoint()).port)])
    return ports.filter((n) => Number.isInteger(n) && n > 0)
  }
  const fileUrls = { api: () => url, lan: () => lan.urls()[0] }

  const minioHealth = (): ComponentHealth =>
    minio.supervisor
      ? (({ running: 'ok', starting: 'starting', restarting: 'degraded' } as const)[minio.supervisor.state as string] ??
        'down')
      : 'ok'
  const kuboHealth = (): ComponentHealth =>
    (({ running: 'ok', starting: 'starting', restarting: 'degraded' }) as const)[kubo.supervisor.state as string] ??
    'down'

  const core: Core = {
    config,
    state,
    kubo,
    pins,
    minio,
    files,
    remotes,
    gc,
    events,
    localToken,
    loginToken: () => sessions.mintLoginToken(state.accounts.ensureOwner().id),
    url: () => url,
    routes: () => routeTable,
    loginUrl: () => `${url}/#token=${core.loginToken()}`,
    async status(options = {}) {
      const targets = remotes.list()
      const components = {
        db: { health: 'ok' as ComponentHealth },
        forwarding: forwardingHealth(targets, config.remoteFailThresholdMs, { names: options.remotes !== false }),
        kubo: { health: kuboHealth(), detail: kubo.supervisor.lastError },
        minio: { health: minioHealth(), detail: minio.supervisor?.lastError },
        http: { health: (app ? 'ok' : 'down') as ComponentHealth },
      }
      const id = kubo.identity()
      const peers = components.kubo.health === 'ok' ? peerCount.latest() : undefined
      return {
        version: VERSION,
        healthy: Object.values(components).every((c) => c.health === 'ok'),
        components,
        kubo: {
          peerId: id?.ID,
          addresses: id?.Addresses ?? [],
          version: kubo.version(),
          restarts: kubo.supervisor.restarts,
          peers,
        },
        url,
        lan: { enabled: lan.enabled(), urls: lan.urls() },
        network: config.ipfsNetwork,
        // The caller who may see the targets (an admin) may see which CIDs the jobs are about too.
        jobs: jobsStatus(files.pinner, gcGate, { cids: options.remotes !== false }),
        migration: files.placement.progress(),
        ...(options.remotes === false ? {} : { remotes: targets }),
      }
    },
    async start() {
      lock = lockDataDir(p.pidFile)
      // Holding the lock, no export or import runs on this data dir: a spool left now was left by a crash.
      const stale = removeStaleSpools(config.dataDir)
      if (stale.length) log.info(`removed what an interrupted export or import left: ${stale.join(', ')}`)
      const started: Component[] = []
      try {
        // Kubo and MinIO start side by side (each takes a good part of a second); everything else in order.
        // When one of a pair fails, the other is awaited and counted as started, so the rollback stops it.
        for (const step of startSteps(components)) {
          const results = await Promise.allSettled(step.map((c) => timed(c)))
          step.forEach((c, i) => results[i]!.status === 'fulfilled' && started.push(c))
          const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
          if (failed) throw failed.reason
        }
        // The API answers from the http step on; the start is complete once MinIO (and the sweep that
        // needs it) is ready too.
        await minioStarting
        await filesStarting
      } catch (err) {
        // A failed start rolls back as promptly as a stop: the bounded steps of stopComponents.
        await stopComponents(started.reverse())
        lock.release()
        throw err
      }
    },
    async stop() {
      await stopComponents([...components].reverse())
      lock?.release()
    },
  }

  /** A component's start, with how long it took in the log (debug): where start-up time goes. */
  async function timed(c: Component): Promise<void> {
    const begun = performance.now()
    await c.start()
    log.debug(`started ${c.name}`, {
      ms: Math.round(performance.now() - begun),
      sinceProcessStart: Math.round(performance.now()),
    })
  }

  /** The components in start order, with Kubo and MinIO (adjacent, independent) in one step. */
  function startSteps(order: Component[]): Component[][] {
    const steps: Component[][] = []
    const together = new Set(['kubo', 'minio'])
    for (const c of order) {
      const last = steps.at(-1)
      if (last && together.has(c.name) && together.has(last[0]!.name)) last.push(c)
      else steps.push([c])
    }
    return steps
  }

  // A stop (SIGTERM, app quit, a failed start) finishes within about 5 s whatever is in flight: the components
  // before the child processes share a 2 s budget (each cancels its own work; one that overruns is left
  // behind and logged), then Kubo and MinIO stop side by side through their bounded steps, then the db.
  async function stopComponents(order: Component[]): Promise<void> {
    const stopOne = async (c: Component, ms: number) => {
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), ms)))
      try {
        if ((await Promise.race([c.stop(), late])) === 'late')
          log.warn(`stopping ${c.name} took over ${ms} ms; going on`)
      } catch (err) {
        log.error(`stopping ${c.name} failed`, { error: String(err) })
      } finally {
        clearTimeout(timer)
      }
    }
    const children = order.filter((c) => c.name === 'kubo' || c.name === 'minio')
    const db = order.filter((c) => c.name === 'db')
    const until = Date.now() + 2000
    for (const c of order)
      if (!children.includes(c) && !db.includes(c)) await stopOne(c, Math.max(100, until - Date.now()))
    await Promise.all(children.map((c) => stopOne(c, 4500)))
    for (const c of db) await stopOne(c, 1000)
  }

  let stopCheckpoints: (() => void) | undefined
  let minioStarting: Promise<void> | undefined
  let filesStarting: Promise<void> | undefined
  const components: Component[] = [
    // The db is opened eagerly (the CLI shares the file) and closed last.
    // While the core runs, the WAL is checkpointed on a timer (db/index.ts: checkpointEvery says why).
    {
      name: 'db',
      start: async () => void (stopCheckpoints = checkpointEvery(state.db)),
      stop: async () => {
        stopCheckpoints?.()
        state.close()
      },
    },
    { name: 'kubo', start: () => kubo.start(), stop: () => kubo.stop() },
    // MinIO finishes starting behind the API (minio/index.ts says why): the store's calls wait for it, and
    // start() resolves (or fails and rolls back) only once it is ready, as before.
    {
      name: 'minio',
      start: async () => {
        minioStarting = minio.start()
        minioStarting.catch(() => {}) // awaited at the end of start()
      },
      stop: async () => {
        await minio.stop()
        await minioStarting?.catch(() => {})
      },
    },
    { name: 'gc', start: () => gc.start(), stop: () => gc.stop() },
    { name: 'pins', start: () => pins.start(), stop: () => pins.stop() },
    // The sweep of unfinished uploads reads its keys now, before the API listens, and removes them once
    // MinIO is ready (start() awaits it last); a stop first lets waits for MinIO fail, so the sweep ends
    // before the files stop.
    {
      name: 'files',
      start: async () => {
        filesStarting = files.start()
        filesStarting.catch(() => {}) // awaited at the end of start()
      },
      stop: async () => {
        minio.stopWaiting()
        await filesStarting?.catch(() => {})
        await files.stop()
      },
    },
    { name: 'remote', start: () => remotes.start(), stop: () => remotes.stop() },
    // Before the listeners, so it stops after them (a server's close asks the relay about its sockets).
    { name: 'relay', start: () => relay.start(), stop: () => relay.stop() },
    {
      name: 'http',
      async start() {
        const http = await createHttpApp({
          log: log.child('core:http'),
          auth,
          // Listening on every interface (TACK_HOST=0.0.0.0) makes this machine's addresses its names too.
          hostNames: () => (UNSPECIFIED.has(config.host) ? lanAddresses() : [config.host]),
          connections: { ...timeouts, maxConnections: config.maxConnections },
          routes: [
            statusRoutes(core),
            exportRoutes({
              db: state.db,
              store: minio.store,
              kubo: kubo.client,
              version: VERSION,
              tempDir: config.dataDir,
            }),
            sessionRoutes({ sessions, accounts: state.accounts }),
            keyRoutes(state),
            accountRoutes({
              accounts: state.accounts,
              usageOf,
              usagePartsOf: (id) => ({ pinned: pins.usageOf(id), stored: files.usageOf(id) }),
            }),
            pinRoutes(pins, { metaBytes: config.pinMetaBytes }),
            remoteRoutes({ remotes, accounts: state.accounts }),
            eventRoutes(events),
            fileRoutes({ files, urls: fileUrls, cars, relay, slots: uploadSlots, log: log.child('core:files') }),
            linkRoutes({ db: state.db, files, links, urls: fileUrls }),
            signedLinkRoutes({ links, gateway, relay }),
            gatewayRoutes(gateway, relay),
            settingsRoutes({
              lanEnabled: lan.enabled,
              lanUrls: lan.urls,
              setLan: lan.set,
              ...addDefault,
              ...gatewayTemplate,
            }),
            // Last: the UI answers the paths no API route claims.
            uiRoutes(),
          ],
        })
        app = http.app
        routeTable = http.routes
        await app.listen({ host: config.host, port: config.port })
        const address = app.server.address()
        const port = typeof address === 'object' && address ? address.port : config.port
        url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
        // The local token reaches the CLI through a file only this user can read.
        writeFileSync(p.sessionToken, localToken, { mode: 0o600 })
        chmodSync(p.sessionToken, 0o600)
        lock?.setUrl(url)
      },
      async stop() {
        rmSync(p.sessionToken, { force: true })
        await app?.close()
        app = undefined
      },
    },
    { name: 'lan', start: () => (options.noLan ? Promise.resolve() : lan.start()), stop: () => lan.stop() },
  ]

  return core
}
