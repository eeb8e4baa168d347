// Kubo's repo inside Tack's data dir (never ~/.ipfs): initialised on first start, then configured before
// every start. The ports live in Kubo's own config file, which is the one place they are persisted; a port
// that another program took since the last run is replaced by a free one.
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { spawnPrivately } from '../data-dir.js'
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
 * by every local user and, through DNS rebinding, by web pages. Kubo's gateway listens on a socket beside it
 * (gatewaySocketBeside) for the same reason: no gateway setting of Kubo's refuses a foreign Host (a
 * PublicGateways entry still falls back to a path gateway for any other Host, and DeserializedResponses=false
 * still serves blocks and CARs), and on a port it would serve anyone on the machine what this node holds,
 * blocks of deleted content included until GC; on a socket in a private directory only Tack reaches it.
 * The sockets are in the repo (inside Tack's 0700 data dir) when their paths fit a socket address; a data dir
 * whose path is too long gets a private directory of its own under the OS temp dir instead (mkdtemp: a fresh
 * random name, made 0700, never one another user could have made first), which stop() removes. Only on
 * Windows, where Kubo serves no Unix socket and Node cannot connect to one, are the RPC and the gateway on
 * loopback ports (undefined here); that path is not tested here.
 */
export function chooseRpcSocket(repoPath: string, tempRoot = tmpdir()): string | undefined {
  if (process.platform === 'win32') return undefined
  const fits = (dir: string) => Buffer.byteLength(join(dir, LONGEST_SOCKET)) <= MAX_SOCKET_PATH
  if (fits(repoPath)) return join(repoPath, RPC_SOCKET)
  const dir = mkdtempSync(join(tempRoot, 'tack-kubo-'))
  if (fits(dir)) return join(dir, RPC_SOCKET)
  rmSync(dir, { recursive: true, force: true })
  return undefined
}

/** Kubo's gateway socket: in the same private directory as the RPC's (chooseRpcSocket). */
export function gatewaySocketBeside(rpcSocket: string): string {
  return join(dirname(rpcSocket), GATEWAY_SOCKET)
}

/** The private directory chooseRpcSocket made for a socket outside the repo, if it did (what stop() removes). */
export function privateSocketDir(repoPath: string, socket: string | undefined): string | undefined {
  return socket && dirname(socket) !== repoPath ? dirname(socket) : undefined
}

/**
 * The private socket directory an earlier run chose under the temp dir, as Kubo's config still names it: a run
 * that was killed never reached stop(), which removes it. Only a `tack-kubo-*` directory right under
 * `tempRoot` counts, so a config edited to name anything else removes nothing.
 */
export function leftoverSocketDir(config: { Addresses?: { API?: unknown } }, tempRoot = tmpdir()): string | undefined {
  const api = [config.Addresses?.API].flat().find((a): a is string => typeof a === 'string' && a.startsWith('/unix/'))
  if (!api) return undefined
  const dir = dirname(api.slice('/unix'.length))
  return dirname(dir) === resolve(tempRoot) && /^tack-kubo-[^/]+$/.test(basename(dir)) ? dir : undefined
}

const RPC_SOCKET = 'rpc.sock'
const GATEWAY_SOCKET = 'gateway.sock'
const LONGEST_SOCKET = GATEWAY_SOCKET

export interface KuboPorts {
  /** 0 when the RPC listens on a Unix socket (chooseRpcSocket). */
  api: number
  /** 0 when the gateway listens on a Unix socket (everywhere the RPC does). */
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
    await spawnPrivately(() =>
      run(binary, ['init', '--empty-repo'], { env: kuboEnv(repoPath), timeout: 60_000, windowsHide: true }),
    )
  } catch (err) {
    throw new CoreError('SERVICE_UNAVAILABLE', `ipfs init failed: ${(err as Error).message}`, { cause: err })
  }
}

/**
 * Reads the ports from the config, replacing any that is missing, standard or taken now; each is claimed for
 * owner (ports.ts), so that a MinIO starting beside this Kubo is never given one of them. With `onSockets`
 * the RPC and the gateway take no port (`api` and `gateway` are 0).
 */
export async function choosePorts(config: KuboConfig, owner: string, onSockets = false): Promise<KuboPorts> {
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
  const api = onSockets ? 0 : await pick(current.api)
  const gateway = onSockets ? 0 : await pick(current.gateway)
  return { api, gateway, swarm: await pick(current.swarm) }
}

export interface KuboConfig {
  Addresses?: { API?: string | string[]; Gateway?: string | string[]; Swarm?: string[] }
  [key: string]: unknown
}

export function readConfig(repoPath: string): KuboConfig {
  return JSON.parse(readFileSync(join(repoPath, 'config'), 'utf8')) as KuboConfig
}

/**
 * Writes what Tack needs into Kubo's config: the RPC on rpcSocket and the gateway on the socket beside it
 * (or, without one, each on a loopback port), our ports, the network mode, and the RPC locked to Tack's secret (any other entry in
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
    Gateway: rpcSocket ? `/unix${gatewaySocketBeside(rpcSocket)}` : `/ip4/127.0.0.1/tcp/${ports.gateway}`,
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
