// The account's files: one page of the list, its sort and search, and the actions on one file.
import { create } from 'zustand'
import { toApiError, type ApiError } from '../api/errors'
import type { FileQuery } from '../api/client'
import type { FileRecord, LiveEvent } from '../api/types'
import { api } from './session'
import { useToasts } from './toasts'

export const FILES_PAGE = 50

export interface FilesState {
  results: FileRecord[]
  count: number
  loading: boolean
  loaded: boolean
  error?: ApiError
  query: Required<Pick<FileQuery, 'sort' | 'order' | 'offset'>> & { q: string; private?: FileQuery['private'] }
  load(): Promise<void>
  setQuery(patch: Partial<FilesState['query']>): void
  upsert(records: FileRecord[]): void
  remove(cid: string): Promise<void>
  pin(cid: string): Promise<void>
  unpin(cid: string): Promise<void>
  applyEvent(e: Extract<LiveEvent, { type: 'file' }>): void
}

let generation = 0

export const useFiles = create<FilesState>((set, get) => ({
  results: [],
  count: 0,
  loading: false,
  loaded: false,
  query: { sort: 'created', order: 'desc', offset: 0, q: '' },
  async load() {
    const mine = ++generation
    set({ loading: true })
    try {
      const page = await api().files({ ...get().query, limit: FILES_PAGE })
      if (mine === generation) set({ results: page.results, count: page.count, error: undefined })
    } catch (err) {
      const e = toApiError(err)
      // A refused query (a search the server will not run) has no rows: the old ones answer another query.
      // A network blip keeps them, marked by the error above.
      const refused = e.status >= 400 && e.status < 500
      if (mine === generation) set({ error: e, ...(refused ? { results: [], count: 0 } : {}) })
    } finally {
      if (mine === generation) set({ loading: false, loaded: true })
    }
  },
  setQuery(patch) {
    set({ query: { ...get().query, offset: 0, ...patch } })
    void get().load()
  },
  upsert(records) {
    const byCid = new Map(get().results.map((r) => [r.cid, r]))
    const fresh = records.filter((r) => !byCid.has(r.cid))
    const results = get().results.map((r) => records.find((n) => n.cid === r.cid) ?? r)
    set({ results: [...fresh, ...results], count: get().count + fresh.length })
  },
  async remove(cid) {
    try {
      await api().deleteFile(cid)
      set({ results: get().results.filter((r) => r.cid !== cid), count: Math.max(0, get().count - 1) })
      useToasts.getState().show('Deleted')
    } catch (err) {
      const e = toApiError(err)
      useToasts.getState().show(`Could not delete: ${e.details || e.reason}`, 'error')
    }
  },
  async pin(cid) {
    try {
      await api().pinFile(cid)
      set({
        results: get().results.map((r) => (r.cid === cid && r.state === 'stored' ? { ...r, state: 'pinning' } : r)),
      })
      useToasts.getState().show('Pinning started')
      // No reload here: a list fetched now could answer `pinning` after the live `pinned` event came in.
    } catch (err) {
      const e = toApiError(err)
      useToasts.getState().show(`Could not pin: ${e.details || e.reason}`, 'error')
    }
  },
  async unpin(cid) {
    try {
      await api().unpinFile(cid)
      set({ results: get().results.map((r) => (r.cid === cid ? { ...r, state: 'stored' } : r)) })
      useToasts.getState().show('Unpinned: the upload stays in Tack')
    } catch (err) {
      const e = toApiError(err)
      useToasts.getState().show(`Could not unpin: ${e.details || e.reason}`, 'error')
    }
  },
  applyEvent(e) {
    const known = get().results.some((r) => r.cid === e.cid)
    // A view event comes within a second of the view (the gateway gathers them): that is the last access.
    const patch = (r: FileRecord): FileRecord => ({
      ...r,
      state: e.state,
      ...(e.views === undefined ? {} : { views: e.views }),
      ...(e.views !== undefined && e.views > r.views ? { lastAccessed: new Date().toISOString() } : {}),
    })
    if (known) set({ results: get().results.map((r) => (r.cid === e.cid ? patch(r) : r)) })
    // A view of a file not on this page changes nothing here; a new or changed file is worth a reload.
    else if (get().loaded && e.views === undefined) void get().load()
  },
}))
