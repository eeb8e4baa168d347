// Forwarding as one component of Tack's status: degraded once a target has been unreachable for longer than
// the threshold (config.remoteFailThresholdMs), so `tack status` and health checks notice an outage that
// matters, not a blip the forwarder retries quietly.
import type { PublicRemote } from './index.js'

export interface ForwardingHealth {
  health: 'ok' | 'degraded'
  detail?: string
}

export function forwardingHealth(
  remotes: Array<Pick<PublicRemote, 'name' | 'failingSince' | 'lastError'>>,
  thresholdMs: number,
  options: { names: boolean; now?: number },
): ForwardingHealth {
  const now = options.now ?? Date.now()
  const failing = remotes.filter((r) => r.failingSince !== null && now - Date.parse(r.failingSince) > thresholdMs)
  if (!failing.length) return { health: 'ok' }
  const minutes = Math.max(1, Math.round(thresholdMs / 60_000))
  const longer = thresholdMs < 60_000 ? `${Math.round(thresholdMs / 1000)} s` : `${minutes} min`
  // The caller without the admin scope sees no target (their URLs, errors and names are the admin's).
  if (!options.names)
    return { health: 'degraded', detail: `${failing.length} forwarding target(s) unreachable for more than ${longer}` }
  const lines = failing.map((r) => `${r.name} unreachable since ${r.failingSince}${r.lastError ? `: ${r.lastError}` : ''}`)
  return { health: 'degraded', detail: lines.join('; ') }
}
