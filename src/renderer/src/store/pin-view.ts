// What the Pins page shows of the pins it loaded: the CID search (any part of the CID, since the table shows
// shortened ones and the PSA `cid` filter takes whole CIDs only), the sort and the page. Pure, so it is tested
// without a browser.
import type { PinStatus, Status } from '../../../shared/psa'

export type PinSortKey = 'created' | 'name' | 'status'
export interface PinSort {
  key: PinSortKey
  dir: 'asc' | 'desc'
}

/** Status order for sorting: what needs attention first when ascending. */
const STATUS_ORDER: Record<Status, number> = { failed: 0, queued: 1, pinning: 2, pinned: 3 }

/** Pins whose CID contains the text (case-insensitive; spaces and commas separate several alternatives). */
export function matchCid(pins: PinStatus[], text: string): PinStatus[] {
  const parts = text
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean)
  if (!parts.length) return pins
  return pins.filter((p) => {
    const cid = p.pin.cid.toLowerCase()
    return parts.some((part) => cid.includes(part))
  })
}

export function sortPins(pins: PinStatus[], sort: PinSort): PinStatus[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  const byCreated = (a: PinStatus, b: PinStatus) => a.created.localeCompare(b.created)
  const compare = (a: PinStatus, b: PinStatus): number => {
    if (sort.key === 'name') {
      // Unnamed pins go last either way: they have nothing to sort by.
      const an = a.pin.name ?? ''
      const bn = b.pin.name ?? ''
      if (!an !== !bn) return an ? -1 : 1
      return sign * (an.localeCompare(bn, undefined, { numeric: true, sensitivity: 'base' }) || byCreated(a, b))
    }
    if (sort.key === 'status') return sign * (STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byCreated(a, b))
    return sign * (byCreated(a, b) || a.requestid.localeCompare(b.requestid))
  }
  return [...pins].sort(compare)
}

/** The rows of one page (0-based) and how many pages there are (at least 1). */
export function pageOf<T>(rows: T[], page: number, size: number): { rows: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / size))
  const at = Math.min(Math.max(0, page), pages - 1)
  return { rows: rows.slice(at * size, at * size + size), page: at, pages }
}
