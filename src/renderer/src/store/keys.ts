// API keys: the list (an admin sees every account's, with the accounts to pick from), the one just created
// (its secret is shown once, then forgotten), revoking.
import { create } from 'zustand'
import { toApiError, type ApiError } from '../api/errors'
import type { Account, ApiKey, CreatedKey, Scope } from '../api/types'
import { api, isAdmin, useSession } from './session'
import { useToasts } from './toasts'

interface KeysState {
  keys: ApiKey[]
  /** Every account (admins only; empty otherwise): whom a key can be for, and whose each key is. */
  accounts: Account[]
  loading: boolean
  loaded: boolean
  error?: ApiError
  created?: CreatedKey
  load(): Promise<void>
  /** Reads the list again without a loading state (last use changes while the page is open). */
  refresh(): Promise<void>
  create(name: string, scopes: Scope[], account?: string): Promise<void>
  revoke(id: string): Promise<void>
  forgetSecret(): void
}

export const useKeys = create<KeysState>((set, get) => ({
  keys: [],
  accounts: [],
  loading: false,
  loaded: false,
  async load() {
    set({ loading: true })
    const admin = isAdmin(useSession.getState().me)
    try {
      const [keys, accounts] = await Promise.all([
        api().keys(admin),
        admin ? api().accounts() : Promise.resolve({ results: [] }),
      ])
      set({ keys: keys.results, accounts: accounts.results, error: undefined })
    } catch (err) {
      set({ error: toApiError(err) })
    } finally {
      set({ loading: false, loaded: true })
    }
  },
  async refresh() {
    try {
      const keys = await api().keys(isAdmin(useSession.getState().me))
      set({ keys: keys.results })
    } catch {
      // The next load shows what is wrong; a quiet refresh keeps what is on screen.
    }
  },
  async create(name, scopes, account) {
    const created = await api().createKey(name, scopes, account)
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
