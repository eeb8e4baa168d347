// A pin object's machine text as people read it: the server keeps ISO times and reason codes (clients parse
// them); the page shows local times, sentences for the reasons, the fields as the form names them, and the
// forwarding state per target that the pin's info carries (`remote.<name>`, `.details`, `.peers`).
import type { PinStatus, Status } from '../../../shared/psa'
import { localTimes } from './format'

/** Reason codes a pin's details may start with, and what they mean. */
const REASONS: Record<string, string> = {
  INSUFFICIENT_FUNDS: "Over the account's storage quota",
  PIN_QUEUE_FULL: 'Too many pins waiting at once',
  NOT_FOUND: 'Not found',
  BAD_REQUEST: 'Not accepted',
}

/** A pin's status_details with a leading reason code as a sentence; its times are left for <TimesIn>. */
export function reasonWords(details: string | undefined): string | undefined {
  if (!details) return undefined
  const m = /^([A-Z][A-Z_]+):\s*(.*)$/s.exec(details)
  return m && REASONS[m[1]!] ? `${REASONS[m[1]!]}: ${m[2]}` : details
}

/** The same as plain text with its times local (a tooltip). */
export function detailsWords(details: string | undefined, format?: (iso: string) => string): string | undefined {
  const text = reasonWords(details)
  return text === undefined ? undefined : localTimes(text, format)
}

/** The server's names of fields (`pin.origins[0]`, `query.q`) as the form and the page name them. */
export function fieldWords(details: string): string {
  return details
    .replace(/\bpin\.origins\[(\d+)\]/g, (_, i: string) => `Origin ${Number(i) + 1}`)
    .replace(/\bpin\.origins\b/g, 'Origins')
    .replace(/\bpin\.cid\b/g, 'CID')
    .replace(/\bpin\.name\b/g, 'Name')
    .replace(/\bpin\.meta(?:\.([\w.-]+))?/g, (_, k?: string) => (k ? `Meta “${k}”` : 'Meta'))
    .replace(/\bquery\.q\b/g, 'Search')
    .replace(/\bquery\.(\w+)\b/g, (_, k: string) => `the ${k} filter`)
    .replace(/: Too big\b/g, ': too long')
}

export interface TargetState {
  name: string
  status: Status
  details?: string
  peers?: string
}

/** Where the pin stands at each forwarding target, from its info. */
export function targetStates(info: PinStatus['info']): TargetState[] {
  const out: TargetState[] = []
  for (const [key, value] of Object.entries(info ?? {})) {
    const m = /^remote\.([^.]+)$/.exec(key)
    if (!m) continue
    const name = m[1]!
    const details = info?.[`remote.${name}.details`]
    const peers = info?.[`remote.${name}.peers`]
    out.push({ name, status: value as Status, ...(details ? { details } : {}), ...(peers ? { peers } : {}) })
  }
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

export interface TimelineStep {
  label: string
  iso: string
}

/** Created, started (left the queue), settled (pinned or failed), from the pin and its info. */
export function timeline(pin: PinStatus): TimelineStep[] {
  const steps: TimelineStep[] = [{ label: 'Created', iso: pin.created }]
  const started = pin.info?.started_at
  const settled = pin.info?.settled_at
  if (started) steps.push({ label: 'Started', iso: started })
  if (settled) steps.push({ label: pin.status === 'failed' ? 'Failed' : 'Settled', iso: settled })
  // Pinned or refused at once (content held already, an identity CID): settled when created.
  else if (pin.status === 'pinned' || pin.status === 'failed')
    steps.push({ label: pin.status === 'failed' ? 'Failed' : 'Settled', iso: pin.created })
  return steps
}
