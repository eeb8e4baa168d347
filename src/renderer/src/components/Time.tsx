// A time as people read it, the one way every page shows one: relative ("3 minutes ago"), with the local
// date and time on hover (<time> keeps the ISO the API gave in its dateTime). Inside a sentence the server
// wrote ("parked until …") a time reads as the local date and time, and its relative form is on hover.
import { formatAgo, formatLocal, splitTimes } from '../api/format'

export function Time({ iso, className }: { iso: string | null | undefined; className?: string }) {
  if (!iso) return <span className={className}>never</span>
  const local = formatLocal(iso)
  return (
    <time dateTime={iso} title={local} className={className}>
      {formatAgo(iso)}
    </time>
  )
}

/** A text from the server with every ISO time in it shown as a local time. */
export function TimesIn({ text }: { text: string }) {
  return (
    <>
      {splitTimes(text).map((part, i) =>
        typeof part === 'string' ? (
          part
        ) : (
          <time key={i} dateTime={part.iso} title={formatAgo(part.iso)}>
            {formatLocal(part.iso)}
          </time>
        ),
      )}
    </>
  )
}
