// One error type for the whole core. A CoreError carries a code; this table is the only place that says
// which HTTP status and which Pinning Service API `reason` each code becomes.

export const ERROR_CODES = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INSUFFICIENT_FUNDS: 409,
  CONFLICT: 409,
  /** A signed link past its expiry. */
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,

  // Limits (config.ts): the reason names the limit, the details the variable that sets it.
  /** An account has TACK_MAX_PENDING_PINS pin objects queued or pinning already. */
  PIN_QUEUE_FULL: 429,
  /** A key has TACK_MAX_UPLOADS_PER_KEY uploads in flight already. */
  TOO_MANY_UPLOADS: 429,
} as const

export type ErrorCode = keyof typeof ERROR_CODES

export class CoreError extends Error {
  override readonly name = 'CoreError'
  constructor(
    readonly code: ErrorCode,
    readonly details: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${details}`, options)
  }

  get status(): number {
    return ERROR_CODES[this.code]
  }

  /** The PSA Failure body: `{"error":{"reason","details"}}`. */
  toFailure(): PsaFailure {
    return { error: { reason: this.code, details: this.details } }
  }
}

export interface PsaFailure {
  error: { reason: string; details?: string }
}

export function isCoreError(err: unknown, code?: ErrorCode): err is CoreError {
  return err instanceof CoreError && (code === undefined || err.code === code)
}
