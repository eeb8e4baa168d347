// Kubo's repo inside Tack's data dir (never ~/.ipfs): initialised on first start, then configured before
// every start. The ports live in Kubo's own config file, which is the one place they are persisted; a port
// that another program took since the last run is replaced by a free one.
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { CoreError } from '../errors.js'
import { freePort, STANDARD_KUBO_PORTS, takePort } from './ports.js'
import { apiAuthorizations } from './secret.js'

const run = promisify(execFile)

/** Longest Unix socket path every platform Tack runs on takes (macOS: 104 bytes with the terminating NUL). */
const MAX_SOCKET_PATH = 100

/**
 * Where Kubo's RPC listens: a Unix socket only this user can connect to, never a port, because Kubo locks
 * only `/api/v0` with its secret: its `/debug/pprof`, `/debug/vars`, `/logs` and `/webui` handlers answer
 * any caller that reaches the listener (Kubo 0.43, cmd/ipfs/kubo/daemon.go), and a loopback port is reachable
 * by every local user and, through DNS rebinding, by web pages. The socket is in the repo (inside Tack's 0700
 * data dir) when that path fits a socket address; a data dir whose path is too long gets a private directory
 * of its own under the OS temp dir instead (mkdtemp: a fresh random name, made 0700, never one another user
 * could have made first), which stop() removes. Only on Windows, where Node cannot connect to a Unix socket,
 * is the RPC on a loopback port (undefined here).
 */
export function chooseRpcSocket(repoPath: string, tempRoot = tmpdir()): string | undefined {
  if (process.platform === 'win32') return undefined
  const inRepo = join(repoPath, RPC_SOCKET)
  if (Buffer.byteLength(inRepo) <= MAX_SOCKET_PATH) return inRepo
  const dir = mkdtempSync(join(tempRoot, 'tack-kubo-'))
  const short = join(dir, RPC_SOCKET)
  if (Buffer.byteLength(short) <= MAX_SOCKET_PATH) return short
  rmSync(dir, { recursive: true, force: true })
  return undefined
}

/** The private directory chooseRpcSocket made for a socket outside the repo, if it did (what stop() removes). */
export function privateSocketDir(repoPath: string, socket: string | undefined): string | undefined {
  return socket && dirname(socket) !== repoPath ? dirname(socket) : undefined
}

const RPC_SOCKET = 'rpc.sock'

export interface KuboPorts {
  /** 0 when the RPC listens on a Unix socket (chooseRpcSocket). */
  api: number
  gateway: number
  swarm: number
}

export type IpfsNetwork = 'public' | 'local'

export function kuboEnv(repoPath: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, IPFS_PATH: repoPath, IPFS_TELEMETRY: 'off', GOLOG_LOG_FMT: 'nocolor' }
}

export async function initRepo(binary: string, repoPath: string): Promise<void> {
  if (existsSync(join(repoPath, 'config'))) return
  try {
    await run(binary, ['init', '--empty-repo'], { env: kuboEnv(repoPath), timeout: 60_000, windowsHide: true })
  } catch (err) {
    throw new CoreError('SERVICE_UNAVAILABLE', `ipfs init failed: ${(err as Error).message}`, { cause: err })
  }
}

/**
 * Reads the ports from the config, replacing any that is missing, standard or taken now; each is claimed for
 * owner (ports.ts), so that a MinIO starting beside this Kubo is never given one of them. With `rpcOnSocket`
 * the RPC takes no port (`api` is 0).
 */
export async function choosePorts(config: KuboConfig, owner: string, rpcOnSocket = false): Promise<KuboPorts> {
  const current = {
    api: portOf(config.Addresses?.API),
    gateway: portOf(config.Addresses?.Gateway),
    swarm: portOf(config.Addresses?.Swarm?.[0]),
  }
  const chosen = new Set<number>()
  const pick = async (port: number | undefined) => {
    const ok = port && !STANDARD_KUBO_PORTS.has(port) && !chosen.has(port) && (await takePort(port, owner))
    const result = ok ? port : await freePort(chosen, owner)
    chosen.add(result)
    return result
  }
  const api = rpcOnSocket ? 0 : await pick(current.api)
  return { api, gateway: await pick(current.gateway), swarm: await pick(current.swarm) }
}

export interface KuboConfig {
  Addresses?: { API?: string | string[]; Gateway?: string | string[]; Swarm?: string[] }
  [key: string]: unknown
}

export function readConfig(repoPath: string): KuboConfig {
  return JSON.parse(readFileSync(join(repoPath, 'config'), 'utf8')) as KuboConfig
}

/**
 * Writes what Tack needs into Kubo's config: the RPC on rpcSocket (or, without one, a loopback port), the
 * gateway on loopback, our ports, the network mode, and the RPC locked to Tack's secret (any other entry in
 * `API.Authorizations` is dropped: only Tack gets in).
 */
export function applyConfig(
  repoPath: string,
  config: KuboConfig,
  ports: KuboPorts,
  network: IpfsNetwork,
  apiSecret: string,
  rpcSocket: string | undefined,
) {
  // Kubo's config is a large JSON document of its own; we set a few paths and keep the rest as it is.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const c = config as Record<string, any>
  const swarmHost = network === 'local' ? ['127.0.0.1'] : ['0.0.0.0']
  c.Addresses = {
    ...c.Addresses,
    API: rpcSocket ? `/unix${rpcSocket}` : `/ip4/127.0.0.1/tcp/${ports.api}`,
    Gateway: `/ip4/127.0.0.1/tcp/${ports.gateway}`,
    Swarm:
      network === 'local'
        ? swarmHost.map((h) => `/ip4/${h}/tcp/${ports.swarm}`)
        : [
            `/ip4/0.0.0.0/tcp/${ports.swarm}`,
            `/ip6/::/tcp/${ports.swarm}`,
            `/ip4/0.0.0.0/udp/${ports.swarm}/quic-v1`,
            `/ip6/::/udp/${ports.swarm}/quic-v1`,
          ],
  }
  c.API = { ...c.API, Authorizations: apiAuthorizations(apiSecret) }
  // Kubo's gateway only ever serves what this node holds: Tack is never an open proxy. Tack asks it for
  // `/ipfs/...` alone; its `/routing/v1` is off so nothing that slips through could reach the routing.
  c.Gateway = { ...c.Gateway, NoFetch: true, ExposeRoutingAPI: false }
  c.Discovery = { ...c.Discovery, MDNS: { ...c.Discovery?.MDNS, Enabled: network === 'public' } }
  if (network === 'local') {
    c.Bootstrap = []
    c.Routing = { ...c.Routing, Type: 'none' }
    // AutoConf would fetch settings from the network; without it every 'auto' value must be spelled out.
    c.AutoConf = { ...c.AutoConf, Enabled: false }
    c.DNS = { ...c.DNS, Resolvers: {} }
    c.Routing.DelegatedRouters = []
    c.Ipns = { ...c.Ipns, DelegatedPublishers: [] }
    c.Peering = { Peers: [] }
    // Loopback only: no NAT port mapping (UPnP/NAT-PMP open UDP sockets on the LAN address), no relays, no
    // AutoNAT service, so Kubo holds no socket off 127.0.0.1.
    c.Swarm = {
      ...c.Swarm,
      DisableNatPortMap: true,
      RelayClient: { ...c.Swarm?.RelayClient, Enabled: false },
      RelayService: { ...c.Swarm?.RelayService, Enabled: false },
    }
    c.AutoNAT = { ...c.AutoNAT, ServiceMode: 'disabled' }
  } else {
    c.Routing = { ...c.Routing, Type: 'auto' }
    c.AutoConf = { ...c.AutoConf, Enabled: true }
    if (Array.isArray(c.Bootstrap) && c.Bootstrap.length === 0) c.Bootstrap = ['auto']
    c.Swarm = { ...c.Swarm, DisableNatPortMap: false }
  }
  // The config holds the RPC secret (and Kubo's private key): this user's alone.
  writeFileSync(join(repoPath, 'config'), JSON.stringify(c, null, 2), { mode: 0o600 })
  if (process.platform !== 'win32') chmodSync(join(repoPath, 'config'), 0o600)
  // A kill -9 leaves Kubo's `api` file behind; a stale one would point Kubo's CLI at a dead daemon.
  rmSync(join(repoPath, 'api'), { force: true })
}

function portOf(addr: string | string[] | undefined): number | undefined {
  const first = Array.isArray(addr) ? addr[0] : addr
  const match = first?.match(/\/(?:tcp|udp)\/(\d+)/)
  return match ? Number(match[1]) : undefined
}
