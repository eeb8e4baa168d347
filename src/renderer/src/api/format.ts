// Numbers and dates the way people read them. Sizes in IEC units (KiB, MiB, GiB), as everywhere in Tack.
import { formatBytes as formatIec } from '../../../shared/bytes'

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  return formatIec(n)
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—'
  if (seconds < 1) return '<1 s'
  if (seconds < 60) return `${Math.round(seconds)} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`
}

const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never'
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return '—'
  const s = Math.round((t - now) / 1000)
  const abs = Math.abs(s)
  if (abs < 45) return 'just now'
  if (abs < 3600) return RELATIVE.format(Math.round(s / 60), 'minute')
  if (abs < 86400) return RELATIVE.format(Math.round(s / 3600), 'hour')
  if (abs < 86400 * 30) return RELATIVE.format(Math.round(s / 86400), 'day')
  return new Date(t).toLocaleDateString()
}

/** A time as a local date and time (this computer's zone and way of writing dates): the absolute form, shown
 *  on hover beside a relative time, or in a sentence. Never the server's UTC ISO text. */
export function formatLocal(iso: string, locale?: string): string {
  const t = Date.parse(iso)
  return Number.isNaN(t) ? '—' : new Date(t).toLocaleString(locale)
}

/** An ISO time as the server writes them into text (status details): UTC, with or without milliseconds. */
const ISO_IN_TEXT = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\b/g

/** A text cut around the ISO times in it, each to be shown as a local time. */
export function splitTimes(text: string): Array<string | { iso: string }> {
  const out: Array<string | { iso: string }> = []
  let last = 0
  for (const m of text.matchAll(ISO_IN_TEXT)) {
    if (m.index > last) out.push(text.slice(last, m.index))
    out.push({ iso: m[0] })
    last = m.index + m[0].length
  }
  if (last < text.length) out.push(text.slice(last))
  return out
}

/** ISO times in a text as local date and time (for a plain-text place: a tooltip, a toast). */
export function localTimes(text: string, format: (iso: string) => string = (iso) => formatLocal(iso)): string {
  return splitTimes(text)
    .map((p) => (typeof p === 'string' ? p : format(p.iso)))
    .join('')
}

export function shortCid(cid: string): string {
  return cid.length > 20 ? `${cid.slice(0, 10)}…${cid.slice(-6)}` : cid
}
