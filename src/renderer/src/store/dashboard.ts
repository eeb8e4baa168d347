// The dashboard's parts load independently, so one missing endpoint shows its own error and not a blank page.
import { create } from 'zustand'
import type { Status } from '../../../shared/psa'
import { toApiError, type ApiError } from '../api/errors'
import type { Account, Me, NewRemote, NodeStatus, Remote, Settings } from '../api/types'
import { ALL_STATUSES } from './pins'
import { api, isAdmin, useSession } from './session'
import { useToasts } from './toasts'

export interface Part<T> {
  value?: T
  error?: ApiError
  loading: boolean
}

const idle = <T>(): Part<T> => ({ loading: false })

interface DashboardState {
  me: Part<Me>
  status: Part<NodeStatus>
  counts: Part<Record<Status, number>>
  settings: Part<Settings>
  accounts: Part<Account[]>
  remotes: Part<Remote[]>
  savingLan: boolean
  load(): Promise<void>
  setLan(on: boolean): Promise<void>
  /** Rejects with the server's refusal, for the form to show beside its field. */
  saveGatewayTemplate(template: string): Promise<void>
  setQuota(id: number, quota: number | null): Promise<void>
  createAccount(name: string, quota: number | null): Promise<void>
  addRemote(remote: NewRemote): Promise<void>
  removeRemote(name: string): Promise<void>
}

export const useDashboard = create<DashboardState>((set, get) => {
  async function part<K extends 'me' | 'status' | 'counts' | 'settings' | 'accounts' | 'remotes'>(
    key: K,
    fetcher: () => Promise<NonNullable<DashboardState[K]['value']>>,
  ) {
    set({ [key]: { ...get()[key], loading: true } } as Partial<DashboardState>)
    try {
      set({ [key]: { value: await fetcher(), loading: false } } as Partial<DashboardState>)
    } catch (err) {
      set({ [key]: { value: get()[key].value, error: toApiError(err), loading: false } } as Partial<DashboardState>)
    }
  }
  return {
    me: idle(),
    status: idle(),
    counts: idle(),
    settings: idle(),
    accounts: idle(),
    remotes: idle(),
    savingLan: false,
    async load() {
      const admin = isAdmin(useSession.getState().me)
      await Promise.all([
        part('me', () => api().me()),
        part('status', () => api().status()),
        part('counts', async () => {
          const counts = await Promise.all(ALL_STATUSES.map((s) => api().pins({ status: [s], limit: 1 })))
          return Object.fromEntries(ALL_STATUSES.map((s, i) => [s, counts[i]!.count])) as Record<Status, number>
        }),
        admin ? part('settings', () => api().settings()) : Promise.resolve(),
        admin ? part('accounts', async () => (await api().accounts()).results) : Promise.resolve(),
        admin ? part('remotes', async () => (await api().remotes()).results) : Promise.resolve(),
      ])
    },
    async setLan(on) {
      set({ savingLan: true })
      try {
        const settings = await api().saveSettings({ lan: on })
        set({ settings: { value: settings, loading: false } })
        useToasts.getState().show(on ? 'LAN sharing is on' : 'LAN sharing is off')
        await part('status', () => api().status())
      } catch (err) {
        const e = toApiError(err)
        set({ settings: { ...get().settings, error: e } })
      } finally {
        set({ savingLan: false })
      }
    },
    async saveGatewayTemplate(gatewayTemplate) {
      const settings = await api().saveSettings({ gatewayTemplate })
      set({ settings: { value: settings, loading: false } })
      useToasts.getState().show('Public gateway saved')
    },
    async setQuota(id, quota) {
      // A refusal is the caller's to show, next to the field it is about.
      await api().setQuota(id, quota)
      useToasts.getState().show('Quota saved')
      await part('accounts', async () => (await api().accounts()).results)
    },
    async createAccount(name, quota) {
      await api().createAccount(name, quota)
      useToasts.getState().show(`Account ${name} created`)
      await part('accounts', async () => (await api().accounts()).results)
    },
    async addRemote(remote) {
      await api().addRemote(remote)
      useToasts.getState().show(`Pins now go to ${remote.name} too`)
      await part('remotes', async () => (await api().remotes()).results)
    },
    async removeRemote(name) {
      await api().removeRemote(name)
      useToasts.getState().show(`Stopped forwarding to ${name}`)
      await part('remotes', async () => (await api().remotes()).results)
    },
  }
})
