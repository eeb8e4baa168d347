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

export function shortCid(cid: string): string {
  return cid.length > 20 ? `${cid.slice(0, 10)}…${cid.slice(-6)}` : cid
}
