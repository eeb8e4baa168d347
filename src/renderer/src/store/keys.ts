// API keys: the list, the one just created (its secret is shown once, then forgotten), revoking.
import { create } from 'zustand'
import { toApiError, type ApiError } from '../api/errors'
import type { ApiKey, CreatedKey, Scope } from '../api/types'
import { api } from './session'
import { useToasts } from './toasts'

interface KeysState {
  keys: ApiKey[]
  loading: boolean
  loaded: boolean
  error?: ApiError
  created?: CreatedKey
  load(): Promise<void>
  create(name: string, scopes: Scope[]): Promise<void>
  revoke(id: string): Promise<void>
  forgetSecret(): void
}

export const useKeys = create<KeysState>((set, get) => ({
  keys: [],
  loading: false,
  loaded: false,
  async load() {
    set({ loading: true })
    try {
      set({ keys: (await api().keys()).results, error: undefined })
    } catch (err) {
      set({ error: toApiError(err) })
    } finally {
      set({ loading: false, loaded: true })
    }
  },
  async create(name, scopes) {
    const created = await api().createKey(name, scopes)
    set({ created })
    await get().load()
  },
  async revoke(id) {
    try {
      await api().revokeKey(id)
      useToasts.getState().show('Key revoked')
      if (get().created?.id === id) set({ created: undefined })
      await get().load()
    } catch (err) {
      const e = toApiError(err)
      useToasts.getState().show(`Could not revoke: ${e.details || e.reason}`, 'error')
    }
  },
  forgetSecret: () => set({ created: undefined }),
}))
