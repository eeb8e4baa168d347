// The two kinds of place Tack forwards pins to, behind one interface: an IPFS Cluster REST API (pins by CID,
// status per cluster peer) and any Pinning Service API endpoint (another Tack, IPFS Cluster's own pinning
// service API, a hosted service; pins by requestid).
import type { Status } from '../../../shared/psa.js'
import { canonicalCid } from '../cid/index.js'
import type { SendInit, Sender } from './send.js'
import { ownState } from './words.js'

export interface RemoteAuth {
  basic?: { user: string; password: string }
  bearer?: string
}

export interface ForwardedPin {
  cid: string
  name?: string
  origins: string[]
}

export interface RemoteState {
  status: Status
  /** Human summary, e.g. "2/2 peers pinned" or the target's error. */
  details?: string
  /** Cluster only: "pinned/allocated". */
  peers?: string
}

export interface RemoteTarget {
  /** Asks the target to pin; returns its reference for the pin (cluster: the CID; PSA: the requestid). */
  add(pin: ForwardedPin, signal: AbortSignal): Promise<string>
  state(ref: string, signal: AbortSignal): Promise<RemoteState>
  /** Removes the pin; a pin the target no longer knows counts as removed. */
  remove(ref: string, signal: AbortSignal): Promise<void>
}

export class RemoteHttpError extends Error {
  override readonly name = 'RemoteHttpError'
  constructor(
    readonly status: number,
    message: string,
    /** The Failure's `reason` when the target answered a PSA Failure body (an upper-case token), else undefined. */
    readonly reason?: string,
  ) {
    super(message)
  }
}

function headers(auth: RemoteAuth | undefined, json = false): Record<string, string> {
  const h: Record<string, string> = {}
  if (json) h['content-type'] = 'application/json'
  if (auth?.bearer) h.authorization = `Bearer ${auth.bearer}`
  else if (auth?.basic)
    h.authorization = 'Basic ' + Buffer.from(`${auth.basic.user}:${auth.basic.password}`).toString('base64')
  return h
}

function failureReason(text: string): string | undefined {
  try {
    const reason = (JSON.parse(text) as { error?: { reason?: unknown } }).error?.reason
    return typeof reason === 'string' && /^[A-Z][A-Z_]{0,63}$/.test(reason) ? reason : undefined
  } catch {
    return undefined
  }
}

async function request(url: string, init: SendInit, sender?: Sender): Promise<Response> {
  const res = await (sender ? sender.send(url, init) : fetch(url, init))
  if (!res.ok) {
    const text = (await res.text()).slice(0, 500)
    throw new RemoteHttpError(
      res.status,
      `${init.method ?? 'GET'} ${new URL(url).pathname}: ${res.status} ${text}`,
      failureReason(text),
    )
  }
  return res
}

interface ClusterPeerInfo {
  peername?: string
  status: string
  error?: string
}

/** IPFS Cluster REST API (default port 9094). */
export function clusterTarget(init: {
  url: string
  auth?: RemoteAuth
  /** How requests are sent (default: fetch); Tack passes one that checks every URL and connection (send.ts). */
  sender?: Sender
  replicationMin?: number
  replicationMax?: number
  /**
   * Records the peers this answer names and returns every peer known to belong to the cluster. A stopped
   * peer drops out of the cluster's own answers once its heartbeat expires; remembering it lets the
   * status say that a peer is missing instead of calling the pin complete.
   */
  knownPeers?: (seen: string[]) => string[]
}): RemoteTarget {
  const base = init.url.replace(/\/+$/, '')
  // The cluster's path for a pin: from the CID's canonical form (never the string a client sent), escaped.
  const pinUrl = (cid: string) => `${base}/pins/${encodeURIComponent(canonicalCid(cid))}`
  return {
    async add(pin, signal) {
      const q = new URLSearchParams()
      if (pin.name) q.set('name', pin.name)
      if (init.replicationMin !== undefined) q.set('replication-min', String(init.replicationMin))
      if (init.replicationMax !== undefined) q.set('replication-max', String(init.replicationMax))
      if (pin.origins.length) q.set('origins', pin.origins.join(','))
      const cid = canonicalCid(pin.cid)
      await request(`${pinUrl(cid)}?${q}`, { method: 'POST', headers: headers(init.auth), signal }, init.sender)
      return cid
    },
    async state(cid, signal) {
      const res = await request(pinUrl(cid), { headers: headers(init.auth), signal }, init.sender)
      const peerMap = ((await res.json()) as { peer_map?: Record<string, ClusterPeerInfo> }).peer_map ?? {}
      const known = init.knownPeers?.(Object.keys(peerMap)) ?? []
      const missing = known.filter((id) => !(id in peerMap)).map(() => ({ status: 'cluster_error' }))
      return summarizeCluster([...Object.values(peerMap), ...missing])
    },
    async remove(cid, signal) {
      try {
        await request(pinUrl(cid), { method: 'DELETE', headers: headers(init.auth), signal }, init.sender)
      } catch (err) {
        if (err instanceof RemoteHttpError && err.status === 404) return
        throw err
      }
    },
  }
}

/** Cluster peers' tracker statuses → one PSA status with a count the user can read. */
export function summarizeCluster(peerMap: ClusterPeerInfo[]): RemoteState {
  // Peers that do not hold the pin by allocation report "remote"; they are not part of the answer. An
  // allocated peer that has not got to it yet (it was away when the pin arrived) says "unpinned".
  const allocated = peerMap.filter((p) => p.status !== 'remote' && p.status !== 'sharded')
  const count = (...statuses: string[]) => allocated.filter((p) => statuses.includes(p.status)).length
  const pinned = count('pinned')
  const unreachable = count('cluster_error')
  const failed = count('pin_error', 'error', 'unexpectedly_unpinned')
  const total = allocated.length
  const parts = [`${pinned}/${total} peers pinned`]
  if (unreachable) parts.push(`${unreachable} unreachable`)
  // How many, never the peer's own error text: every forwarded account reads this (remote/words.ts).
  if (failed) parts.push(`${failed} failed`)
  const peers = `${pinned}/${total}`
  const details = parts.join(', ')
  if (total > 0 && pinned === total) return { status: 'pinned', details, peers }
  if (failed > 0 && failed + pinned === total) return { status: 'failed', details, peers }
  if (pinned === 0 && unreachable === 0 && failed === 0 && count('pin_queued', 'queued') === total)
    return { status: 'queued', details, peers }
  return { status: 'pinning', details, peers }
}

/** Any Pinning Service API endpoint, e.g. https://host/api/pinning (with or without a trailing /pins). */
export function psaTarget(init: { url: string; auth?: RemoteAuth; sender?: Sender }): RemoteTarget {
  const base = init.url.replace(/\/+$/, '').replace(/\/pins$/, '')
  return {
    async add(pin, signal) {
      const body = JSON.stringify({ cid: pin.cid, name: pin.name, origins: pin.origins.slice(0, 20) })
      const res = await request(
        `${base}/pins`,
        { method: 'POST', headers: headers(init.auth, true), body, signal },
        init.sender,
      )
      const { requestid } = (await res.json()) as { requestid?: unknown }
      // Kept per pin and sent back in URLs: a requestid is an id, not a document.
      if (typeof requestid !== 'string' || !/^[\w.:-]{1,128}$/.test(requestid))
        throw new Error('the target answered without a usable requestid')
      return requestid
    },
    async state(requestid, signal) {
      const res = await request(
        `${base}/pins/${encodeURIComponent(requestid)}`,
        { headers: headers(init.auth), signal },
        init.sender,
      )
      // Only the status, checked: the endpoint's status_details are its own words (remote/words.ts).
      const body = (await res.json()) as { status?: unknown }
      return ownState({ status: body.status })
    },
    async remove(requestid, signal) {
      try {
        await request(
          `${base}/pins/${encodeURIComponent(requestid)}`,
          { method: 'DELETE', headers: headers(init.auth), signal },
          init.sender,
        )
      } catch (err) {
        if (err instanceof RemoteHttpError && err.status === 404) return
        throw err
      }
    },
  }
}
