// The bundled Kubo node: its repo and ports inside Tack's data dir, supervised like every child process,
// with an RPC client that always points at the current API port (which may change after a restart).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../log.js'
import { createSupervisor, type Supervisor } from '../process/supervisor.js'
import { createKuboClient, type KuboClient, type KuboId } from './client.js'
import { applyConfig, choosePorts, initRepo, kuboEnv, readConfig, type IpfsNetwork, type KuboPorts } from './repo.js'
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
}

export interface KuboNode {
  readonly client: KuboClient
  readonly supervisor: Supervisor
  readonly repoPath: string
  ports(): KuboPorts
  apiUrl(): string
  /** The `Authorization` header every RPC call needs (Kubo answers 403 without it). */
  apiAuthorization(): string
  gatewayUrl(): string
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
  const apiUrl = () => {
    if (!ports) throw new Error('kubo has not started')
    return `http://127.0.0.1:${ports.api}`
  }
  const authorization = () => {
    if (!secret) throw new Error('kubo has not started')
    return apiAuthorization(secret)
  }
  const client = createKuboClient(apiUrl, authorization)

  const supervisor = createSupervisor({
    name: 'kubo',
    log: init.processLog,
    pidFile: join(init.repoPath, 'tack-kubo.pid'),
    async prepare() {
      mkdirSync(init.repoPath, { recursive: true })
      await initRepo(init.binary, init.repoPath)
      secret = ensureApiSecret(init.apiSecretFile)
      const config = readConfig(init.repoPath)
      ports = await choosePorts(config)
      applyConfig(init.repoPath, config, ports, init.network, secret)
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
    apiAuthorization: authorization,
    gatewayUrl: () => `http://127.0.0.1:${ports?.gateway}`,
    identity: () => identity,
    version: () => version,
    async start() {
      await supervisor.start()
      init.log.info('ready', { peerId: identity?.ID, api: apiUrl(), version })
    },
    stop: () => supervisor.stop(),
  }
}
