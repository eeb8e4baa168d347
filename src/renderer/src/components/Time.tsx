// A time as people read it: relative ("3 minutes ago"), with the local date and time on hover and for
// screen readers (<time> keeps the ISO the API gave in its dateTime).
import { formatAgo } from '../api/format'

export function Time({ iso, className }: { iso: string | null | undefined; className?: string }) {
  if (!iso) return <span className={className}>never</span>
  const local = new Date(iso).toLocaleString()
  return (
    <time dateTime={iso} title={local} className={className}>
      {formatAgo(iso)}
    </time>
  )
}
