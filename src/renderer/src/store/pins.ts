// The account's pin objects through the Pinning Service API. The server filters by status and name; the
// listing is read whole (pages of LOAD_PAGE, newest first, by the spec's `before` cursor, up to LOAD_MAX) so
// the page can sort it, find a pin by any part of its CID and page it at the size the user picks
// (store/pin-view.ts). Statuses change live from the event stream; rows can be selected and removed together.
import { create } from 'zustand'
import type { Pin, PinStatus, Status, TextMatchingStrategy } from '../../../shared/psa'
import { toApiError, type ApiError } from '../api/errors'
import type { LiveEvent } from '../api/types'
import type { PinSort } from './pin-view'
import { api } from './session'
import { useToasts } from './toasts'

export const PAGE_SIZES = [20, 50, 100, 200] as const
export const ALL_STATUSES: Status[] = ['queued', 'pinning', 'pinned', 'failed']
/** The spec's largest page. */
const LOAD_PAGE = 1000
/** Beyond this the page says it shows the newest LOAD_MAX only and asks for a narrower filter. */
export const LOAD_MAX = 20_000
/** How many removals run at once in a bulk remove. */
const REMOVE_CONCURRENCY = 4

export interface PinFilter {
  status: Status[]
  name: string
  match: TextMatchingStrategy
  /** Any part of a CID; several parts separated by spaces or commas (client-side, see pin-view.ts). */
  cid: string
}

interface PinsState {
  /** Every pin the server's filters matched (up to LOAD_MAX), newest first. */
  all: PinStatus[]
  /** The server's count for those filters (may exceed all.length when truncated). */
  count: number
  loading: boolean
  loaded: boolean
  error?: ApiError
  filter: PinFilter
  sort: PinSort
  page: number
  pageSize: number
  selected: ReadonlySet<string>
  load(): Promise<void>
  setFilter(patch: Partial<PinFilter>): void
  setSort(sort: PinSort): void
  setPage(page: number): void
  setPageSize(size: number): void
  select(requestids: string[], on: boolean): void
  add(pin: Pin): Promise<PinStatus>
  remove(requestid: string): Promise<void>
  removeMany(requestids: string[]): Promise<void>
  /** Failed pins back in the queue (one or many); the rows follow as they settle. */
  retry(requestids: string[]): Promise<void>
  applyEvent(e: Extract<LiveEvent, { type: 'pin' }>): void
}

let generation = 0
let controller: AbortController | undefined
let reloadTimer: ReturnType<typeof setTimeout> | undefined

/** Reads every page for the filter; a page that ends in a run of equal `created` is re-read from just past it. */
async function readAll(filter: PinFilter, signal: AbortSignal): Promise<{ all: PinStatus[]; count: number }> {
  const seen = new Map<string, PinStatus>()
  let before: string | undefined
  let count = 0
  for (;;) {
    const page = await api().pins(
      {
        status: filter.status.length ? filter.status : ALL_STATUSES,
        name: filter.name.trim() || undefined,
        match: filter.match,
        before,
        limit: LOAD_PAGE,
      },
      signal,
    )
    if (before === undefined) count = page.count
    const fresh = page.results.filter((p) => !seen.has(p.requestid))
    for (const p of page.results) seen.set(p.requestid, p)
    const last = page.results[page.results.length - 1]
    if (page.results.length < LOAD_PAGE || !last || seen.size >= LOAD_MAX || !fresh.length) break
    // `before` is strict: pins created in the same millisecond as the last one would be skipped, so the next
    // read starts one millisecond later and the repeats are dropped by requestid.
    const next = new Date(Date.parse(last.created) + 1).toISOString()
    before = next === before ? last.created : next
  }
  return { all: [...seen.values()].sort((a, b) => b.created.localeCompare(a.created)), count }
}

export const usePins = create<PinsState>((set, get) => ({
  all: [],
  count: 0,
  loading: false,
  loaded: false,
  filter: { status: [...ALL_STATUSES], name: '', match: 'ipartial', cid: '' },
  sort: { key: 'created', dir: 'desc' },
  page: 0,
  pageSize: PAGE_SIZES[0],
  selected: new Set(),
  async load() {
    const mine = ++generation
    controller?.abort()
    controller = new AbortController()
    const signal = controller.signal
    set({ loading: true })
    try {
      const { all, count } = await readAll(get().filter, signal)
      if (mine !== generation) return
      const ids = new Set(all.map((p) => p.requestid))
      set({ all, count, error: undefined, selected: new Set([...get().selected].filter((id) => ids.has(id))) })
    } catch (err) {
      const e = toApiError(err)
      // A refused filter leaves no rows of the previous one on screen.
      if (mine === generation && !(e.reason === 'NETWORK' && signal.aborted))
        set({ error: e, all: [], count: 0, selected: new Set() })
    } finally {
      if (mine === generation) set({ loading: false, loaded: true })
    }
  },
  setFilter(patch) {
    const before = get().filter
    const filter = { ...before, ...patch }
    set({ filter, page: 0 })
    // The CID search is applied to the loaded pins; the others are the server's filters.
    const serverSide = (['status', 'name', 'match'] as const).some((k) => String(before[k]) !== String(filter[k]))
    if (serverSide) void get().load()
  },
  setSort: (sort) => set({ sort, page: 0 }),
  setPage: (page) => set({ page }),
  setPageSize: (pageSize) => set({ pageSize, page: 0 }),
  select(requestids, on) {
    const selected = new Set(get().selected)
    for (const id of requestids) {
      if (on) selected.add(id)
      else selected.delete(id)
    }
    set({ selected })
  },
  async add(pin) {
    const created = await api().addPin(pin)
    // A new pin is the newest: show it at the top.
    set({ page: 0 })
    await get().load()
    return created
  },
  async remove(requestid) {
    try {
      await api().deletePin(requestid)
      forget(set, get, [requestid])
      useToasts.getState().show('Pin removed')
    } catch (err) {
      const e = toApiError(err)
      useToasts.getState().show(`Could not remove the pin: ${e.details || e.reason}`, 'error')
    }
  },
  async removeMany(requestids) {
    const queue = [...requestids]
    const gone: string[] = []
    const failed: string[] = []
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          await api().deletePin(id)
          gone.push(id)
        } catch (err) {
          // Already gone counts as removed.
          if (toApiError(err).status === 404) gone.push(id)
          else failed.push(id)
        }
      }
    }
    await Promise.all(Array.from({ length: REMOVE_CONCURRENCY }, worker))
    forget(set, get, gone)
    const words = `${gone.length} pin${gone.length === 1 ? '' : 's'} removed`
    if (failed.length) useToasts.getState().show(`${words}; ${failed.length} could not be removed`, 'error')
    else useToasts.getState().show(words)
  },
  async retry(requestids) {
    const queue = [...requestids]
    const done: PinStatus[] = []
    const refused: string[] = []
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          done.push(await api().retryPin(id))
        } catch (err) {
          const e = toApiError(err)
          refused.push(e.details || e.summary)
        }
      }
    }
    await Promise.all(Array.from({ length: REMOVE_CONCURRENCY }, worker))
    const fresh = new Map(done.map((p) => [p.requestid, p]))
    set({ all: get().all.map((p) => fresh.get(p.requestid) ?? p) })
    const words = `${done.length} pin${done.length === 1 ? '' : 's'} queued again`
    if (refused.length) useToasts.getState().show(`${words}; ${refused.length} refused: ${refused[0]}`, 'error')
    else useToasts.getState().show(words)
  },
  applyEvent(e) {
    const { all, loaded } = get()
    const known = all.find((p) => p.requestid === e.requestid)
    if (e.deleted) {
      if (known) forget(set, get, [e.requestid])
      return
    }
    if (known) {
      set({ all: all.map((p) => (p === known ? { ...p, status: e.status } : p)) })
      // A settled pin's details, size and timeline changed too: read it again (a few at a time; a burst of
      // many reads the list once instead).
      if (e.status === 'pinned' || e.status === 'failed' || e.forwarding) refresh(set, get, e.requestid)
    }
    // A pin made elsewhere (Kubo's CLI, another tab): read the list again, once for a burst of them.
    else if (loaded) {
      clearTimeout(reloadTimer)
      reloadTimer = setTimeout(() => void get().load(), 400)
    }
  },
}))

const stale = new Set<string>()
let refreshTimer: ReturnType<typeof setTimeout> | undefined
/** Beyond this many settled at once, the list is read again instead of each pin. */
const REFRESH_MAX = 20

function refresh(set: (s: Partial<PinsState>) => void, get: () => PinsState, requestid: string) {
  stale.add(requestid)
  clearTimeout(refreshTimer)
  refreshTimer = setTimeout(() => {
    const ids = [...stale]
    stale.clear()
    if (ids.length > REFRESH_MAX) return void get().load()
    void Promise.all(ids.map((id) => api().pin(id).catch(() => undefined))).then((pins) => {
      const fresh = new Map(pins.flatMap((p) => (p ? [[p.requestid, p] as const] : [])))
      set({ all: get().all.map((p) => fresh.get(p.requestid) ?? p) })
    })
  }, 150)
}

function forget(set: (s: Partial<PinsState>) => void, get: () => PinsState, requestids: string[]) {
  const ids = new Set(requestids)
  const all = get().all.filter((p) => !ids.has(p.requestid))
  set({
    all,
    count: Math.max(0, get().count - (get().all.length - all.length)),
    selected: new Set([...get().selected].filter((id) => !ids.has(id))),
  })
}
