// What a forwarding target's answer may put into a pin object's info (`remote.<name>`), which every
// forwarded account reads and SQLite keeps per pin: Tack's own words only. A target's status must be one of
// the Pinning Service API's four (anything else reads `failed`); its free text (a PSA endpoint's
// status_details, a cluster peer's error) never passes, and whatever Tack says stays within MAX_DETAILS.
import { STATUSES, type Status } from '../../../shared/psa.js'
import type { RemoteState } from './targets.js'

/** The longest `remote.<name>.details` (and `.peers`) a pin object carries. */
export const MAX_DETAILS = 200

export const isStatus = (value: unknown): value is Status =>
  typeof value === 'string' && (STATUSES as readonly string[]).includes(value)

/** A text cut to `max` characters (an ellipsis marks the cut). */
export function bounded(text: string, max = MAX_DETAILS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** A target's state as a pin may show it: a known status, and details and peers within bounds. */
export function ownState(state: { status: unknown; details?: unknown; peers?: unknown }): RemoteState {
  const known = isStatus(state.status)
  const details = known
    ? typeof state.details === 'string' && state.details
      ? bounded(state.details)
      : undefined
    : 'the target answered with a status that is not one of queued, pinning, pinned, failed'
  const peers = typeof state.peers === 'string' && /^\d{1,6}\/\d{1,6}$/.test(state.peers) ? state.peers : undefined
  return {
    status: known ? (state.status as Status) : 'failed',
    ...(details ? { details } : {}),
    ...(peers ? { peers } : {}),
  }
}
