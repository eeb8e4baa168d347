// The answer of `/api/status` (and `tack status`): each component's health read from the component itself,
// and the status policy in one place: Tack is healthy when every component is 'ok'.
import type { Config } from './config.js'
import type { Files } from './files/index.js'
import type { JobsStatus } from './jobs-status.js'
import { jobsStatus } from './jobs-status.js'
import type { GcGate } from './kubo/gc.js'
import type { KuboNode } from './kubo/index.js'
import type { ObjectStorage } from './object-store/index.js'
import type { Supervisor } from './process/supervisor.js'
import { forwardingHealth } from './remote/health.js'
import type { Remotes } from './remote/index.js'

export type ComponentHealth = 'ok' | 'starting' | 'degraded' | 'down'

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

export interface StatusSources {
  version: string
  config: Pick<Config, 'remoteFailThresholdMs' | 'ipfsNetwork'>
  kubo: Pick<KuboNode, 'supervisor' | 'identity' | 'version'>
  /** Kubo's connected peers, from a recent count (kubo/peers.ts). */
  peers(): number | undefined
  objectStorage: Pick<ObjectStorage, 'supervisor'>
  remotes: Pick<Remotes, 'list'>
  files: Pick<Files, 'pinner' | 'placement'>
  gcGate: Pick<GcGate, 'state'>
  lan: { enabled(): boolean; urls(): string[] }
  /** Whether the API is listening. */
  listening(): boolean
  url(): string
}

export type StatusOf = (options?: { remotes?: boolean }) => Promise<CoreStatus>

/** A supervised child's health; no supervisor (an external S3 endpoint) is nothing of Tack's to be down. */
export function supervisorHealth(supervisor: Pick<Supervisor, 'state'> | undefined): ComponentHealth {
  if (!supervisor) return 'ok'
  return (
    ({ running: 'ok', starting: 'starting', restarting: 'degraded' } as const)[supervisor.state as string] ?? 'down'
  )
}

/** `remotes: false` leaves the forwarding targets and the jobs' CIDs out (a caller without the admin scope). */
export function createStatus(s: StatusSources): StatusOf {
  return async (options = {}) => {
    const admin = options.remotes !== false
    const targets = s.remotes.list()
    const components = {
      db: { health: 'ok' as ComponentHealth },
      forwarding: forwardingHealth(targets, s.config.remoteFailThresholdMs, { names: admin }),
      kubo: { health: supervisorHealth(s.kubo.supervisor), detail: s.kubo.supervisor.lastError },
      minio: { health: supervisorHealth(s.objectStorage.supervisor), detail: s.objectStorage.supervisor?.lastError },
      http: { health: (s.listening() ? 'ok' : 'down') as ComponentHealth },
    }
    const id = s.kubo.identity()
    return {
      version: s.version,
      healthy: Object.values(components).every((c) => c.health === 'ok'),
      components,
      kubo: {
        peerId: id?.ID,
        addresses: id?.Addresses ?? [],
        version: s.kubo.version(),
        restarts: s.kubo.supervisor.restarts,
        peers: components.kubo.health === 'ok' ? s.peers() : undefined,
      },
      url: s.url(),
      lan: { enabled: s.lan.enabled(), urls: s.lan.urls() },
      network: s.config.ipfsNetwork,
      // The caller who may see the targets (an admin) may see which CIDs the jobs are about too.
      jobs: jobsStatus(s.files.pinner, s.gcGate, { cids: admin }),
      migration: s.files.placement.progress(),
      ...(admin ? { remotes: targets } : {}),
    }
  }
}
