// The typed client: one fetch wrapper (`request`) that adds the session's credential (the desktop's secret,
// or a browser's page token beside its cookie; see connection.ts) and turns every Failure body into an ApiError, and one method per endpoint the renderer uses.
import { authHeaders, type ApiConnection } from './connection'
import type { Pin, PinResults, PinStatus, Status, TextMatchingStrategy } from '../../../shared/psa'
import { failureFrom, toApiError } from './errors'
import type {
  Account,
  ApiKey,
  CreatedKey,
  FileDetail,
  FileList,
  FileSort,
  Me,
  NewRemote,
  NodeStatus,
  Remote,
  Scope,
  Settings,
} from './types'

export interface PinQuery {
  status?: Status[]
  name?: string
  match?: TextMatchingStrategy
  cid?: string[]
  before?: string
  limit?: number
}

export interface FileQuery {
  limit?: number
  offset?: number
  sort?: FileSort
  order?: 'asc' | 'desc'
  q?: string
  /** Only private ('true') or only public ('false') files. */
  private?: 'true' | 'false'
}

export type Api = ReturnType<typeof createApi>

export function createApi(connection: ApiConnection) {
  const base = connection.apiUrl.replace(/\/$/, '')
  const credentials = authHeaders(connection)
  const headers = (extra?: HeadersInit) => {
    const h = new Headers(extra)
    for (const [name, value] of Object.entries(credentials)) h.set(name, value)
    return h
  }

  async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let res: Response
    try {
      res = await fetch(base + path, {
        method,
        headers: headers(body === undefined ? undefined : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      })
    } catch (err) {
      throw toApiError(err)
    }
    const text = await res.text()
    if (!res.ok) throw failureFrom(res.status, text)
    return (text ? JSON.parse(text) : undefined) as T
  }

  const qs = (params: Record<string, string | number | undefined>) => {
    const s = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') s.set(k, String(v))
    const out = s.toString()
    return out ? `?${out}` : ''
  }

  return {
    base,
    /** The credential headers for requests made elsewhere (uploads, events, the backup download). */
    authHeaders: credentials,
    /** An absolute URL for a link the server gave (gateway links may be relative). */
    absolute: (url: string) => new URL(url, base + '/').toString(),
    request,

    me: () => request<Me>('GET', '/api/accounts/me'),
    signOut: () => request<void>('DELETE', '/api/session'),
    status: () => request<NodeStatus>('GET', '/api/status'),
    settings: () => request<Settings>('GET', '/api/settings'),
    saveSettings: (s: Partial<Settings>) => request<Settings>('PUT', '/api/settings', s),

    files: (q: FileQuery) => request<FileList>('GET', `/api/files${qs({ ...q })}`),
    deleteFile: (cid: string) => request<void>('DELETE', `/api/files/${encodeURIComponent(cid)}`),
    pinFile: (cid: string) => request<unknown>('POST', `/api/files/${encodeURIComponent(cid)}/pin`),
    unpinFile: (cid: string) => request<unknown>('DELETE', `/api/files/${encodeURIComponent(cid)}/pin`),
    file: (cid: string) => request<FileDetail>('GET', `/api/files/${encodeURIComponent(cid)}`),

    pins: (q: PinQuery, signal?: AbortSignal) =>
      request<PinResults>(
        'GET',
        `/api/pinning/pins${qs({
          status: q.status?.join(','),
          name: q.name,
          match: q.name ? q.match : undefined,
          cid: q.cid?.join(','),
          before: q.before,
          limit: q.limit,
        })}`,
        undefined,
        signal,
      ),
    addPin: (pin: Pin) => request<PinStatus>('POST', '/api/pinning/pins', pin),
    deletePin: (requestid: string) => request<void>('DELETE', `/api/pinning/pins/${encodeURIComponent(requestid)}`),
    pin: (requestid: string) => request<PinStatus>('GET', `/api/pinning/pins/${encodeURIComponent(requestid)}`),
    /** A failed pin back in the queue as itself (Tack's own route; the PSA has no retry). */
    retryPin: (requestid: string) => request<PinStatus>('POST', `/api/pins/${encodeURIComponent(requestid)}/retry`),

    /** all: every account's keys (admins only; others get their own either way). */
    keys: (all = false) => request<{ results: ApiKey[] }>('GET', `/api/keys${all ? '?all=true' : ''}`),
    /** account: the name of the account the key is for (admins); the caller's own when left out. */
    createKey: (name: string, scopes: Scope[], account?: string) =>
      request<CreatedKey>('POST', '/api/keys', { name, scopes, account }),
    revokeKey: (id: string) => request<void>('DELETE', `/api/keys/${encodeURIComponent(id)}`),

    accounts: () => request<{ results: Account[] }>('GET', '/api/accounts'),
    createAccount: (name: string, quota: number | null) => request<Account>('POST', '/api/accounts', { name, quota }),
    setQuota: (id: number, quota: number | null) => request<Account>('PATCH', `/api/accounts/${id}`, { quota }),

    remotes: () => request<{ results: Remote[] }>('GET', '/api/remotes'),
    addRemote: (r: NewRemote) => request<Remote>('POST', '/api/remotes', r),
    removeRemote: (name: string) => request<void>('DELETE', `/api/remotes/${encodeURIComponent(name)}`),
  }
}
