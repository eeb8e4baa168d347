// One error type for everything the renderer asks of the core: a Failure body from the API
// (`{error:{reason, details}}`), or a network failure (reason NETWORK), or an upload the user cancelled.
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly details: string,
  ) {
    super(details ? `${reason}: ${details}` : reason)
  }

  /** A sentence a person can act on; the server's details come first because they are specific. */
  get summary(): string {
    return HINTS[this.reason] ?? (this.status >= 500 ? 'Tack hit a problem' : 'The request was refused')
  }
}

const HINTS: Record<string, string> = {
  UNAUTHORIZED: 'Not signed in: open the login link that `tack serve` printed',
  FORBIDDEN: 'This key is not allowed to do that',
  NOT_FOUND: 'Not found (this Tack may not have that feature yet)',
  INSUFFICIENT_FUNDS: "Over the account's storage quota",
  CONFLICT: 'That does not fit what is there now',
  PAYLOAD_TOO_LARGE: 'Too large',
  NETWORK: 'Tack cannot be reached',
  CANCELLED: 'Cancelled',
  BAD_REQUEST: 'Tack did not accept that',
  NOT_THE_SAME_FILE: 'Not the same file',
}

/** Turns a non-2xx response's body into an ApiError, whatever the body is. */
export function failureFrom(status: number, bodyText: string): ApiError {
  try {
    const body = JSON.parse(bodyText) as { error?: { reason?: unknown; details?: unknown } }
    if (body?.error && typeof body.error.reason === 'string') {
      return new ApiError(status, body.error.reason, typeof body.error.details === 'string' ? body.error.details : '')
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(status, `HTTP_${status}`, bodyText.slice(0, 300))
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  return new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err))
}
