import type { Config } from '../main/core/config.js'
import { CoreError } from '../main/core/errors.js'
import { readConfig } from '../main/core/kubo/repo.js'
import { runningUrl } from '../main/core/lock.js'
import { loadSettings } from '../main/core/object-store/minio-settings.js'
import { createRemotes, type PublicRemote, type RemoteInput } from '../main/core/remote/index.js'
import { silentLogger } from '../main/core/log.js'
import { openState, paths } from '../main/core/state.js'
import type { CliContext } from './index.js'
import { getFromRunning } from './running.js'

const USAGE = `usage: tack remote add NAME --kind cluster|psa --url URL [--token T | --user U --password P]
                       [--replication-min N] [--replication-max N] [--policy accounts|meta] [--account A]...
       tack remote list
       tack remote rm NAME`

/** Works on the SQLite file directly; a running server picks changes up on its next pass. */
export async function remoteCommand(ctx: CliContext): Promise<number> {
  const state = openState(ctx.config)
  // Read once: the running server's URL takes an identity check of its pid (a PowerShell call on Windows).
  const ownPorts = await portsInDataDir(ctx.config)
  const remotes = createRemotes({
    db: state.db,
    log: silentLogger,
    localPins: () => [],
    origins: () => [],
    pollMs: 1000,
    ownPorts: () => ownPorts,
  })
  try {
    const [sub, name] = ctx.args
    const v = ctx.values
    if (sub === 'add' && name) {
      const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined)
      const int = (k: string) => (str(k) === undefined ? undefined : Number(str(k)))
      const policy = (str('policy') ?? 'accounts') as RemoteInput['policy']
      const accountNames = (v.account as string[] | undefined) ?? (policy === 'accounts' ? [state.accounts.ensureOwner().name] : [])
      const user = str('user')
      const password = str('password')
      const remote = await remotes.add({
        name,
        kind: str('kind') as RemoteInput['kind'],
        url: str('url') ?? '',
        auth: str('token') ? { bearer: str('token')! } : user && password ? { basic: { user, password } } : undefined,
        replicationMin: int('replication-min'),
        replicationMax: int('replication-max'),
        policy,
        accountIds: accountNames.map((n) => state.accounts.byName(n).id),
      })
      ctx.out(`added remote ${remote.name} (${remote.kind} ${remote.url})`)
      return 0
    }
    if (sub === 'list') {
      // Reachability is what the running server saw; this process never talks to the targets.
      const live = await getFromRunning<{ results: PublicRemote[] }>(ctx.config, '/api/remotes').catch(() => undefined)
      for (const r of remotes.list()) {
        const seen = live?.results?.find((l) => l.name === r.name)
        const fields = [r.name, r.kind, r.url, `policy ${r.policy}`, `auth ${r.auth}`, JSON.stringify(r.pins)]
        ctx.out([...fields, reachability(seen, !!live)].join('\t'))
      }
      return 0
    }
    if (sub === 'rm' && name) {
      remotes.remove(name)
      ctx.out(`removed remote ${name}`)
      return 0
    }
    throw new CoreError('BAD_REQUEST', USAGE)
  } finally {
    state.close()
  }
}

/** "reachable", or "unreachable since <local time> (<ago>): <reason>", or why it is not known. */
export function reachability(remote: Pick<PublicRemote, 'reachable' | 'failingSince' | 'lastError'> | undefined, running: boolean, now = Date.now()): string {
  if (!running) return 'reachability unknown (Tack is not running)'
  if (!remote) return 'reachability unknown (not yet seen by the running server)'
  if (remote.reachable) return 'reachable'
  const since = remote.failingSince ? Date.parse(remote.failingSince) : undefined
  const when = since === undefined ? '' : ` since ${new Date(since).toLocaleString()} (${ago(now - since)})`
  return `unreachable${when}${remote.lastError ? `: ${remote.lastError}` : ''}`
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.round(s / 60)} min ago`
  return `${Math.round(s / 3600)} h ago`
}

/**
 * Tack's own ports as its data dir records them (a running server's URL, Kubo's config, MinIO's settings) plus
 * the configured ones, so the CLI refuses the same targets the server does. The server checks again before
 * every request, with the ports it really has.
 */
async function portsInDataDir(config: Config): Promise<number[]> {
  const p = paths(config.dataDir)
  const ports = [config.port, config.lanPort]
  const url = await runningUrl(p.pidFile)
  if (url) ports.push(Number(new URL(url).port))
  try {
    const addresses = readConfig(p.kuboRepo).Addresses
    for (const addr of [addresses?.API, addresses?.Gateway, ...(addresses?.Swarm ?? [])].flat()) {
      const port = /\/(?:tcp|udp)\/(\d+)/.exec(addr ?? '')?.[1]
      if (port) ports.push(Number(port))
    }
  } catch {
    // No Kubo repo yet: no Kubo ports to protect.
  }
  const minio = loadSettings(p.minioSettings)
  if (minio?.apiPort) ports.push(minio.apiPort)
  return ports.filter((n) => Number.isInteger(n) && n > 0)
}
