// The account's pin objects through the Pinning Service API: filters, a `before` cursor per page (newest
// first, as the spec lists them), and live status changes from the event stream.
import { create } from 'zustand'
import type { Pin, PinStatus, Status, TextMatchingStrategy } from '../../../shared/psa'
import { toApiError, type ApiError } from '../api/errors'
import type { LiveEvent } from '../api/types'
import { api } from './session'
import { useToasts } from './toasts'

export const PINS_PAGE = 20
export const ALL_STATUSES: Status[] = ['queued', 'pinning', 'pinned', 'failed']

export interface PinFilter {
  status: Status[]
  name: string
  match: TextMatchingStrategy
  cid: string
}

interface PinsState {
  results: PinStatus[]
  count: number
  loading: boolean
  loaded: boolean
  error?: ApiError
  filter: PinFilter
  /** `before` of each page shown so far; the last one is the current page's (undefined: the newest). */
  cursors: Array<string | undefined>
  load(): Promise<void>
  setFilter(patch: Partial<PinFilter>): void
  nextPage(): void
  prevPage(): void
  add(pin: Pin): Promise<PinStatus>
  remove(requestid: string): Promise<void>
  applyEvent(e: Extract<LiveEvent, { type: 'pin' }>): void
}

let generation = 0
let controller: AbortController | undefined

export const usePins = create<PinsState>((set, get) => ({
  results: [],
  count: 0,
  loading: false,
  loaded: false,
  filter: { status: [...ALL_STATUSES], name: '', match: 'ipartial', cid: '' },
  cursors: [undefined],
  async load() {
    const mine = ++generation
    controller?.abort()
    controller = new AbortController()
    const { filter, cursors } = get()
    set({ loading: true })
    try {
      const page = await api().pins(
        {
          status: filter.status.length ? filter.status : ALL_STATUSES,
          name: filter.name.trim() || undefined,
          match: filter.match,
          cid: filter.cid.trim() ? filter.cid.split(/[\s,]+/).filter(Boolean) : undefined,
          before: cursors[cursors.length - 1],
          limit: PINS_PAGE,
        },
        controller.signal,
      )
      if (mine === generation) set({ results: page.results, count: page.count, error: undefined })
    } catch (err) {
      const e = toApiError(err)
      if (mine === generation && !(e.reason === 'NETWORK' && controller.signal.aborted)) set({ error: e })
    } finally {
      if (mine === generation) set({ loading: false, loaded: true })
    }
  },
  setFilter(patch) {
    set({ filter: { ...get().filter, ...patch }, cursors: [undefined] })
    void get().load()
  },
  nextPage() {
    const last = get().results[get().results.length - 1]
    if (!last) return
    set({ cursors: [...get().cursors, last.created] })
    void get().load()
  },
  prevPage() {
    if (get().cursors.length <= 1) return
    set({ cursors: get().cursors.slice(0, -1) })
    void get().load()
  },
  async add(pin) {
    const created = await api().addPin(pin)
    // A new pin is the newest: show it at the top of the first page.
    set({ cursors: [undefined] })
    await get().load()
    return created
  },
  async remove(requestid) {
    try {
      await api().deletePin(requestid)
      set({ results: get().results.filter((p) => p.requestid !== requestid), count: Math.max(0, get().count - 1) })
      useToasts.getState().show('Pin removed')
    } catch (err) {
      const e = toApiError(err)
      useToasts.getState().show(`Could not remove the pin: ${e.details || e.reason}`, 'error')
    }
  },
  applyEvent(e) {
    const { results, loaded } = get()
    const known = results.find((p) => p.requestid === e.requestid)
    if (e.deleted) {
      if (known) set({ results: results.filter((p) => p !== known), count: Math.max(0, get().count - 1) })
      return
    }
    if (known) set({ results: results.map((p) => (p === known ? { ...p, status: e.status } : p)) })
    // Not on this page: a pin made elsewhere (Kubo's CLI). Reload the first page to show it.
    else if (loaded && get().cursors.length === 1) void get().load()
  },
}))
