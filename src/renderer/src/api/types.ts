// The shapes Tack's HTTP API answers with (besides the Pinning Service API, typed from the spec in
// src/shared/psa.ts). Kept to what the renderer reads; the server may send more.
export type FileState = 'stored' | 'pinning' | 'pinned' | 'failed'

export interface FileRecord {
  cid: string
  /** A folder upload is one entry ('directory') that opens to its files. */
  type?: 'file' | 'directory'
  name: string
  path?: string
  size: number
  mime: string
  state: FileState
  /** Where it is, in words: "on IPFS", "going on IPFS", "on this computer only", "private". */
  where?: string
  views: number
  lastAccessed: string | null
  created: string
  gatewayUrl: string
  lanUrl?: string
  /** Only in Tack's store: 404 on the gateway, opened through signed links. */
  private?: boolean
}

/** What deleting an entry takes along (GET /api/files/{cid}). */
export interface Removal {
  files: number
  pins: number
  keptPins: number
  forwarded: number
}

export interface FileDetail extends FileRecord {
  removal: Removal
  entries?: Array<{ path: string; cid: string; size: number; gatewayUrl: string }>
}

export interface FileList {
  count: number
  results: FileRecord[]
}

export interface FolderUpload {
  files: FileRecord[]
  directory?: { cid: string; name: string }
}

export type FileSort = 'created' | 'name' | 'size' | 'views' | 'lastAccessed'

export const SCOPES = ['pins:read', 'pins:write', 'files:read', 'files:write', 'admin'] as const
export type Scope = (typeof SCOPES)[number]

export interface ApiKey {
  id: string
  accountId: number
  name: string
  scopes: Scope[]
  created: string
  lastUsed: string | null
  revoked: string | null
}

export interface CreatedKey extends ApiKey {
  secret: string
}

export interface Account {
  id: number
  name: string
  quota: number | null
  usage: number
  owner: boolean
  created: string
}

export interface Me extends Account {
  scopes: Scope[]
  /** usage in two parts: held by Kubo for pins (pinned uploads among them), and only in Tack's store. */
  usageParts?: { pinned: number; stored: number }
}

export type Health = 'ok' | 'starting' | 'degraded' | 'down'

export interface NodeStatus {
  version: string
  healthy: boolean
  components: Record<string, { health: Health; detail?: string }>
  kubo: { peerId?: string; addresses: string[]; version?: string; peers?: number }
  url: string
  lan?: { enabled: boolean; urls: string[] }
  /** `local`: this node is not on the public IPFS network (TACK_IPFS_NETWORK=local). */
  network?: 'public' | 'local'
  remotes?: Remote[]
}

/** A target pins are forwarded to; its secret never comes back from the server. */
export interface Remote {
  id: number
  name: string
  kind: 'cluster' | 'psa'
  url: string
  auth: 'none' | 'basic' | 'bearer'
  policy: 'accounts' | 'meta'
  accountIds: number[]
  created: string
  /** How many pieces of content stand in each state at the target. */
  pins: Record<'queued' | 'pinning' | 'pinned' | 'failed' | 'removing', number>
  /** false while the last attempt to reach the target failed. */
  reachable?: boolean
  lastError?: string | null
  /** When the current outage began, as the server saw it (ISO); null while reachable. */
  failingSince?: string | null
}

export interface NewRemote {
  name: string
  kind: 'cluster' | 'psa'
  url: string
  token?: string
  policy: 'accounts' | 'meta'
}

export interface Settings {
  lan: boolean
  /** Files added from the UI go on IPFS at once (pinned and announced), unless private. */
  addToIpfs?: boolean
  /** Where the gateway answers on the LAN while sharing is on. */
  lanUrls?: string[]
  /** The public gateway share links go through: a URL with {cid} (default https://{cid}.ipfs.dweb.link). */
  gatewayTemplate?: string
}

export type LiveEvent =
  | {
      type: 'pin'
      requestid: string
      status: 'queued' | 'pinning' | 'pinned' | 'failed'
      cid: string
      name?: string
      deleted?: boolean
      /** Only its state at a forwarding target changed. */
      forwarding?: boolean
    }
  /** A file's state changed, or (views set) the gateway counted views of it. */
  | { type: 'file'; cid: string; name?: string; state: FileState; views?: number }
