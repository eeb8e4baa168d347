// The bundled Kubo node: its repo and ports inside Tack's data dir, supervised like every child process,
// with an RPC client that always points at the current API port (which may change after a restart).
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Logger } from '../log.js'
import { createSupervisor, type Supervisor } from '../process/supervisor.js'
import { createKuboClient, type KuboClient, type KuboId } from './client.js'
import {
  applyConfig,
  choosePorts,
  chooseRpcSocket,
  gatewaySocketBeside,
  initRepo,
  kuboEnv,
  leftoverSocketDir,
  privateSocketDir,
  readConfig,
  type IpfsNetwork,
  type KuboPorts,
} from './repo.js'
import { apiAuthorization, ensureApiSecret } from './secret.js'

export interface KuboInit {
  binary: string
  repoPath: string
  /** The file (0600) with the secret that locks Kubo's RPC API to Tack; made at the first start. */
  apiSecretFile: string
  network: IpfsNetwork
  log: Logger
  /** Process logger for Kubo's own output (`kubo`). */
  processLog: Logger
  /** tack-launcher, so Kubo dies with Tack (see process/supervisor.ts). */
  launcher?: string
}

export interface KuboNode {
  readonly client: KuboClient
  readonly supervisor: Supervisor
  readonly repoPath: string
  ports(): KuboPorts
  /** The RPC's base URL; with rpcSocket() set, it only names the host and the socket carries the calls. */
  apiUrl(): string
  /** The Unix socket Kubo's RPC listens on, or undefined when it listens on a loopback port (repo.ts). */
  rpcSocket(): string | undefined
  /** The `Authorization` header every RPC call needs (Kubo answers 403 without it). */
  apiAuthorization(): string
  /**
   * The gateway's base URL; with gatewaySocket() set, it only names the Host Tack sends (an IP address, which
   * Kubo's gateway never takes for a subdomain or DNSLink name) and the socket carries the requests.
   */
  gatewayUrl(): string
  /** The Unix socket Kubo's gateway listens on (beside the RPC's), or undefined on a loopback port (Windows). */
  gatewaySocket(): string | undefined
  /** Cached `id` from the last start. */
  identity(): KuboId | undefined
  version(): string | undefined
  start(): Promise<void>
  stop(): Promise<void>
}

// Errors in Kubo's output that no restart can fix.
const FATAL = [/someone else has the lock/, /ipfs repo needs migration/, /cannot acquire lock/]

export function createKubo(init: KuboInit): KuboNode {
  let ports: KuboPorts | undefined
  let identity: KuboId | undefined
  let version: string | undefined
  let secret: string | undefined
  // Chosen at the first start (it may make a private directory: repo.ts) and kept while that still exists.
  let socketPath: string | undefined
  let socketChosen = false
  const apiUrl = () => {
    if (!ports) throw new Error('kubo has not started')
    return socketPath ? 'http://localhost' : `http://127.0.0.1:${ports.api}`
  }
  const authorization = () => {
    if (!secret) throw new Error('kubo has not started')
    return apiAuthorization(secret)
  }
  const client = createKuboClient(apiUrl, authorization, () => socketPath)

  const supervisor = createSupervisor({
    name: 'kubo',
    log: init.processLog,
    pidFile: join(init.repoPath, 'tack-kubo.pid'),
    async prepare() {
      mkdirSync(init.repoPath, { recursive: true, mode: 0o700 })
      await initRepo(init.binary, init.repoPath)
      secret = ensureApiSecret(init.apiSecretFile)
      const config = readConfig(init.repoPath)
      if (!socketChosen || (socketPath && !existsSync(dirname(socketPath)))) {
        // What a killed run left under the temp dir goes before a new directory is made.
        const leftover = socketChosen ? undefined : leftoverSocketDir(config)
        if (leftover) rmSync(leftover, { recursive: true, force: true })
        socketPath = chooseRpcSocket(init.repoPath)
        socketChosen = true
      }
      ports = await choosePorts(config, `kubo:${init.repoPath}`, socketPath !== undefined)
      applyConfig(init.repoPath, config, ports, init.network, secret, socketPath)
      // Socket files left by a Kubo that was killed would stop the new one from listening; no Kubo runs on
      // this repo now (evictLeftover ended any, and Kubo's repo lock is free).
      if (socketPath) {
        rmSync(socketPath, { force: true })
        rmSync(gatewaySocketBeside(socketPath), { force: true })
      }
      return {
        command: init.binary,
        args: ['daemon', '--migrate=false', '--enable-gc=false'],
        env: kuboEnv(init.repoPath),
      }
    },
    // Ready = the RPC API answers `id`.
    async probe(signal) {
      identity = await client.id(signal)
      version = await client.version()
      return true
    },
    fatal: (line) => FATAL.find((re) => re.test(line)) && line,
    portTaken: (line) => /bind: address already in use/.test(line),
    launcher: init.launcher,
    // Kubo's own shutdown releases its repo lock and flushes the datastore: asked first, before any signal.
    shutdown: async (signal) => void (await client.call('shutdown', {}, { signal })),
    evictLeftover: (signal) => evictLeftover(init.repoPath, init.apiSecretFile, signal),
  })

  return {
    client,
    supervisor,
    repoPath: init.repoPath,
    ports: () => {
      if (!ports) throw new Error('kubo has not started')
      return ports
    },
    apiUrl,
    rpcSocket: () => socketPath,
    apiAuthorization: authorization,
    gatewayUrl: () => (socketPath ? 'http://127.0.0.1' : `http://127.0.0.1:${ports?.gateway}`),
    gatewaySocket: () => socketPath && gatewaySocketBeside(socketPath),
    identity: () => identity,
    version: () => version,
    async start() {
      await supervisor.start()
      init.log.info('ready', { peerId: identity?.ID, api: socketPath ?? apiUrl(), version })
    },
    async stop() {
      await supervisor.stop()
      const dir = privateSocketDir(init.repoPath, socketPath)
      if (dir) {
        rmSync(dir, { recursive: true, force: true })
        socketChosen = false
      }
    },
  }
}

/**
 * A Kubo left running on this repo by an earlier Tack (its `api` file names a live RPC API that accepts our
 * secret): asked to shut down through that API, which only Kubo itself can answer, and awaited until the API
 * is gone. This is Kubo's own notion of "running on this repo", stronger than any pid file.
 */
async function evictLeftover(repoPath: string, secretFile: string, signal: AbortSignal): Promise<void> {
  let api: string
  let socket: string | undefined
  let secret: string
  try {
    // Kubo's `api` file: `/ip4/127.0.0.1/tcp/PORT`, or `/unix/PATH` for a socket.
    const text = readFileSync(join(repoPath, 'api'), 'utf8').trim()
    const addr = text.split('/')
    socket = text.startsWith('/unix/') ? text.slice('/unix'.length) : undefined
    api = socket ? 'http://localhost' : `http://${addr[2]}:${addr[4]}`
    secret = readFileSync(secretFile, 'utf8').trim()
  } catch {
    return
  }
  const leftover = createKuboClient(
    () => api,
    () => apiAuthorization(secret),
    () => socket,
  )
  try {
    await leftover.id(AbortSignal.any([signal, AbortSignal.timeout(1000)]))
  } catch {
    return // nothing answers there
  }
  await leftover.call('shutdown', {}, { signal }).catch(() => {})
  while (!signal.aborted) {
    const up = await leftover.id(AbortSignal.any([signal, AbortSignal.timeout(500)])).then(
      () => true,
      () => false,
    )
    if (!up) return
    await new Promise((r) => setTimeout(r, 100))
  }
}
