// Who we are and how we reach the core. Every other store asks this one for the API client.
import { create } from 'zustand'
import { createApi, type Api } from '../api/client'
import { forgetToken, resolveConnection } from '../api/connection'
import { ApiError, toApiError } from '../api/errors'
import type { Me } from '../api/types'

export type Phase = 'connecting' | 'signed-out' | 'ready' | 'error'

interface SessionState {
  phase: Phase
  api?: Api
  me?: Me
  error?: ApiError
  /** Whether the live event stream is connected. */
  live: boolean
  connect(): Promise<void>
  setLive(live: boolean): void
}

export const useSession = create<SessionState>((set) => ({
  phase: 'connecting',
  live: false,
  async connect() {
    set({ phase: 'connecting', error: undefined })
    try {
      const connection = await resolveConnection()
      if (!connection) return set({ phase: 'signed-out' })
      const api = createApi(connection)
      const me = await api.me()
      set({ phase: 'ready', api, me })
    } catch (err) {
      const e = toApiError(err)
      // A token from before Tack restarted: drop it, so the sign-in page asks for the new link.
      if (e.reason === 'UNAUTHORIZED' && !window.tack) forgetToken()
      set({ phase: e.reason === 'UNAUTHORIZED' ? 'signed-out' : 'error', error: e })
    }
  },
  setLive: (live) => set({ live }),
}))

/** The API client; only called once the session is ready (pages render only then). */
export function api(): Api {
  const a = useSession.getState().api
  if (!a) throw new ApiError(0, 'NETWORK', 'not connected to Tack yet')
  return a
}

export const isAdmin = (me?: Me) => Boolean(me?.scopes.includes('admin'))
