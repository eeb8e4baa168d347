// Who we are and how we reach the core. Every other store asks this one for the API client.
// connect() signs in (see api/connection.ts) and runs again when a fresh login link is pasted into the
// address bar (App listens to hashchange) or when the desktop's core restarts.
import { create } from 'zustand'
import { createApi, type Api } from '../api/client'
import {
  desktopHandOff,
  redeemLoginToken,
  storedPageToken,
  storePageToken,
  takeLoginToken,
  type ApiConnection,
} from '../api/connection'
import { ApiError, toApiError } from '../api/errors'
import type { Me } from '../api/types'

/** `link-used`: the login link's token was used before or has expired. */
export type Phase = 'connecting' | 'signed-out' | 'link-used' | 'ready' | 'error'

interface SessionState {
  phase: Phase
  api?: Api
  me?: Me
  error?: ApiError
  /** Whether the live event stream is connected. */
  live: boolean
  /** The event stream's last error, while it is down. */
  streamError?: string
  /** Whether the API answered its last health check (`GET /api/status`); undefined before the first. */
  apiUp?: boolean
  /** Why the last health check failed. */
  apiError?: string
  connect(): Promise<void>
  signOut(): Promise<void>
  setLive(live: boolean, error?: string): void
  setApi(up: boolean, error?: string): void
}

// The desktop's session secret lives here, in memory only: gone when the window closes.
let desktopSecret: string | undefined
// connect() runs one at a time: a hashchange during a sign-in waits for it.
let queue: Promise<void> = Promise.resolve()

/** The signed-in connection, or undefined when there is no way in yet. */
async function signIn(): Promise<ApiConnection | undefined> {
  if (window.tack) {
    const { apiUrl, token } = await desktopHandOff()
    // A session from before a core restart still works (sessions are kept in the core's database).
    if (desktopSecret && (await works({ apiUrl, secret: desktopSecret }))) return { apiUrl, secret: desktopSecret }
    const connection = await redeemLoginToken(apiUrl, token)
    desktopSecret = connection.secret
    return connection
  }
  const apiUrl = window.location.origin
  const token = takeLoginToken()
  if (token) {
    const connection = await redeemLoginToken(apiUrl, token)
    storePageToken(connection.pageToken)
    return connection
  }
  // A reload of a signed-in tab: its page token is still in this tab's sessionStorage.
  const pageToken = storedPageToken()
  return pageToken ? { apiUrl, pageToken } : undefined
}

async function works(connection: ApiConnection): Promise<boolean> {
  return createApi(connection)
    .me()
    .then(
      () => true,
      () => false,
    )
}

export const useSession = create<SessionState>((set, get) => {
  const connectNow = async () => {
    set({ phase: 'connecting', error: undefined })
    const usingLink = !window.tack && /^#token=/.test(window.location.hash)
    try {
      const connection = await signIn()
      if (!connection) return set({ phase: 'signed-out', api: undefined, me: undefined })
      const api = createApi(connection)
      const me = await api.me()
      set({ phase: 'ready', api, me })
    } catch (err) {
      const e = toApiError(err)
      const phase: Phase = e.reason !== 'UNAUTHORIZED' ? 'error' : usingLink ? 'link-used' : 'signed-out'
      set({ phase, error: e, api: undefined, me: undefined })
    }
  }
  return {
    phase: 'connecting',
    live: false,
    connect() {
      queue = queue.then(connectNow)
      return queue
    },
    async signOut() {
      await get()
        .api?.signOut()
        .catch(() => {})
      desktopSecret = undefined
      if (!window.tack) storePageToken(undefined)
      set({ phase: 'signed-out', api: undefined, me: undefined, error: undefined, live: false, apiUp: undefined })
    },
    setLive: (live, streamError) => set({ live, streamError: live ? undefined : streamError }),
    setApi: (apiUp, apiError) => set({ apiUp, apiError: apiUp ? undefined : apiError }),
  }
})

/** The API client; only called once the session is ready (pages render only then). */
export function api(): Api {
  const a = useSession.getState().api
  if (!a) throw new ApiError(0, 'NETWORK', 'not connected to Tack yet')
  return a
}

export const isAdmin = (me?: Me) => Boolean(me?.scopes.includes('admin'))
