// createCore: the only place that wires Tack's components. Each has start()/stop(); the order they start in is
// the list at the end (db, kubo and minio, gc, pins, files, remote, relay, http, lan), run by lifecycle.ts; what
// /api/status says of them is status.ts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
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
import { createApi } from './http/api.js'
import type { RouteInfo } from './http/server.js'
import { createShip } from './http/ship.js'
import { accountRoutes } from './http/routes/accounts.js'
import { eventRoutes } from './http/routes/events.js'
import { fileRoutes } from './http/routes/files.js'
import { linkRoutes, signedLinkRoutes } from './http/routes/links.js'
import { createCarImporter, createCarUploads, isCarBlob } from './files/car/index.js'
import { carLimits } from './files/car/verify.js'
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
import { importRoutes } from './http/routes/import.js'
import { removeStaleSpools } from './backup/spool.js'
import { uiRoutes } from './http/routes/ui.js'
import { createKubo, type KuboNode } from './kubo/index.js'
import { collectingAfterUnpin, createGc, createGcGate, type Gc } from './kubo/gc.js'
import { listeningPorts } from './own-ports.js'
import { createLifecycle, startingBehind, type Component } from './lifecycle.js'
import { lockDataDir, type DataDirLock } from './lock.js'
import type { Logger } from './log.js'
import { createObjectStorage, type ObjectStorage } from './object-store/index.js'
import { createPins, type Pins } from './pins/index.js'
import { findLauncher } from './process/launcher.js'
import { createSessions, type SessionsInit } from './sessions/index.js'
import { sessionRoutes } from './http/routes/session.js'
import { createRemotes, type Remotes } from './remote/index.js'
import { remoteRoutes } from './http/routes/remotes.js'
import { createUploadPins } from './pins/uploads.js'
import { checkpointEvery } from './db/index.js'
import { openState, paths, type State } from './state.js'
import { createStatus, type StatusOf } from './status.js'

export type { ComponentHealth, CoreStatus } from './status.js'

export interface Core {
  readonly config: Config
  readonly state: State
  readonly kubo: KuboNode
  readonly pins: Pins
  readonly objectStorage: ObjectStorage
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
  status: StatusOf
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
  const objectStorage = createObjectStorage({
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
    store: objectStorage.store,
    kubo: unpinning,
    gcGate,
    accounts: state.accounts,
    usageOf,
    uploadPins: createUploadPins({ db: state.db, events, pins }),
    pinnedElsewhere: (multihash) => pins.holds(multihash),
    removePin: (accountId, requestid) => pins.remove(accountId, requestid),
    car: createCarImporter({ db: state.db, store: objectStorage.store, kubo: kubo.client }),
    gateTimeoutMs: config.gcGateTimeoutMs,
    accessPinJobs: config.accessPinJobs,
    publish: (event) => events.publish({ ...event }),
    maxPathDepth: config.maxPathDepth,
    log: log.child('core:files'),
  })
  const cars = createCarUploads({
    db: state.db,
    repo: files.repo,
    pinner: files.pinner,
    store: objectStorage.store,
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
    store: objectStorage.store,
    kuboGatewayUrl: () => kubo.gatewayUrl(),
    kuboGatewaySocket: () => kubo.gatewaySocket(),
    pinnedByAccount: (multihash) => pins.holds(multihash),
    isCar: (cid) => isCarBlob(state.db, cid),
    redirect: config.gatewayRedirect,
    holdForRead: (key) => files.placement.holdForRead(key),
    log: log.child('core:gateway'),
  })
  // Large gateway reads and raw uploads are sent by tack-launcher's byte relay (relay/index.ts), on the API port
  // and the LAN.
  const relay = createRelay({ launcher, log: log.child('core:relay') })
  // How gateway and signed-link bodies leave: through Fastify, or the relay (http/ship.ts decides).
  const ship = createShip({ relay, store: objectStorage.store, kuboGatewaySocket: () => kubo.gatewaySocket() })
  const auth = createAuthenticator({ keys: state.keys, accounts: state.accounts, sessions, localToken })
  let lock: DataDirLock | undefined
  const timeouts = { headersTimeoutMs: config.headersTimeoutMs, idleSocketMs: config.idleSocketMs }
  const lan = createLanSharing({
    port: config.lanPort,
    forceOn: config.lan,
    db: state.db,
    auth,
    routes: [gatewayRoutes(gateway, ship), signedLinkRoutes({ links, gateway, ship }), lanRootRoute()],
    connections: { ...timeouts, maxConnections: config.lanMaxConnections },
    log: log.child('core:lan'),
  })
  // Tack's own listeners as they are now; a forwarding target on this machine at one of them is refused.
  const ownPorts = () => listeningPorts({ config, urls: [api.url(), ...lan.urls()], kubo, objectStorage })
  const fileUrls = { api: () => api.url(), lan: () => lan.urls()[0] }

  const status = createStatus({
    version: VERSION,
    config,
    kubo,
    peers: () => peerCount.latest(),
    objectStorage,
    remotes,
    files,
    gcGate,
    lan,
    listening: () => api.isListening(),
    url: () => api.url(),
  })

  const api = createApi({
    host: config.host,
    port: config.port,
    log: log.child('core:http'),
    auth,
    // Listening on every interface (TACK_HOST=0.0.0.0) makes this machine's addresses its names too.
    hostNames: () => (UNSPECIFIED.has(config.host) ? lanAddresses() : [config.host]),
    connections: { ...timeouts, maxConnections: config.maxConnections },
    routes: () => [
      statusRoutes(core),
      exportRoutes({
        db: state.db,
        store: objectStorage.store,
        kubo: kubo.client,
        version: VERSION,
        tempDir: config.dataDir,
      }),
      importRoutes({
        db: state.db,
        store: objectStorage.store,
        kubo: kubo.client,
        gate: gcGate,
        tempDir: config.dataDir,
        maxBytes: config.maxImportBytes,
        imported: () => remotes.wake(),
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
      signedLinkRoutes({ links, gateway, ship }),
      gatewayRoutes(gateway, ship),
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
    tokenFile: p.sessionToken,
    localToken,
    listening: (url) => lock?.setUrl(url),
  })

  const core: Core = {
    config,
    state,
    kubo,
    pins,
    objectStorage,
    files,
    remotes,
    gc,
    events,
    localToken,
    loginToken: () => sessions.mintLoginToken(state.accounts.ensureOwner().id),
    url: () => api.url(),
    routes: () => api.routes(),
    loginUrl: () => `${api.url()}/#token=${core.loginToken()}`,
    status,
    async start() {
      lock = await lockDataDir(p.pidFile)
      // Holding the lock, no export or import runs on this data dir: a spool left now was left by a crash.
      const stale = removeStaleSpools(config.dataDir)
      if (stale.length) log.info(`removed what an interrupted export or import left: ${stale.join(', ')}`)
      try {
        await lifecycle.start()
      } catch (err) {
        lock.release()
        throw err
      }
    },
    async stop() {
      await lifecycle.stop()
      lock?.release()
    },
  }

  let stopCheckpoints: (() => Promise<void>) | undefined
  const components: Component[] = [
    // The db is opened eagerly (the CLI shares the file) and closed last.
    // While the core runs, the WAL is checkpointed on a timer (db/index.ts: checkpointEvery says why).
    {
      name: 'db',
      start: async () => void (stopCheckpoints = checkpointEvery(state.db)),
      stop: async () => {
        await stopCheckpoints?.()
        state.close()
      },
    },
    { name: 'kubo', start: () => kubo.start(), stop: () => kubo.stop() },
    // MinIO finishes starting behind the API (object-store/index.ts says why): the store's calls wait for it, and
    // the core's start resolves (or fails and rolls back) only once it is ready.
    startingBehind(
      'minio',
      () => objectStorage.start(),
      async (started) => {
        await objectStorage.stop()
        await started()
      },
    ),
    { name: 'gc', start: () => gc.start(), stop: () => gc.stop() },
    { name: 'pins', start: () => pins.start(), stop: () => pins.stop() },
    // The sweep of unfinished uploads reads its keys now, before the API listens, and removes them once
    // MinIO is ready (the start awaits it last); a stop first lets waits for MinIO fail, so the sweep ends
    // before the files stop.
    startingBehind(
      'files',
      () => files.start(),
      async (started) => {
        objectStorage.stopWaiting()
        await started()
        await files.stop()
      },
    ),
    { name: 'remote', start: () => remotes.start(), stop: () => remotes.stop() },
    // Before the listeners, so it stops after them (a server's close asks the relay about its sockets).
    { name: 'relay', start: () => relay.start(), stop: () => relay.stop() },
    { name: 'http', start: () => api.start(), stop: () => api.stop() },
    { name: 'lan', start: () => (options.noLan ? Promise.resolve() : lan.start()), stop: () => lan.stop() },
  ]
  const lifecycle = createLifecycle({
    components,
    children: new Set(['kubo', 'minio']),
    last: new Set(['db']),
    log,
  })

  return core
}
