// Why a forwarding target could not be reached, in words an admin reads on the Dashboard, in `tack status`
// and `tack remote list`: Node's and undici's codes ("ECONNREFUSED", "bad port", "fetch failed") say little to
// someone who did not write the client. The raw message still goes to the log.
import { isCoreError } from '../errors.js'
import { RemoteHttpError } from './targets.js'

/** Network error codes (Node's, undici's) and what they mean for a target. */
const BY_CODE: Record<string, string> = {
  ECONNREFUSED: 'nothing answers at that address (connection refused)',
  ECONNRESET: 'the target closed the connection before answering (connection reset)',
  EHOSTUNREACH: 'no route to the target host (host unreachable)',
  ENETUNREACH: 'no route to the target network (network unreachable)',
  ENOTFOUND: 'the target host name does not resolve (DNS lookup failed)',
  EAI_AGAIN: 'the target host name could not be resolved right now (DNS lookup timed out)',
  ETIMEDOUT: 'the target did not answer in time (connection timed out)',
  UND_ERR_CONNECT_TIMEOUT: 'the target did not accept a connection in time (connect timeout)',
  UND_ERR_HEADERS_TIMEOUT: 'the target accepted the connection but did not answer in time',
  UND_ERR_SOCKET: 'the connection to the target broke off',
  EPIPE: 'the connection to the target broke off',
  CERT_HAS_EXPIRED: "the target's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the target's TLS certificate is self-signed and not trusted",
  SELF_SIGNED_CERT_IN_CHAIN: "the target's TLS certificate chain is self-signed and not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the target's TLS certificate could not be verified",
  ERR_TLS_CERT_ALTNAME_INVALID: "the target's TLS certificate is for another host name",
}

/** Texts without a code, by what they start with. */
const BY_TEXT: Array<[RegExp, string]> = [
  // undici refuses the ports browsers block (fetch spec "bad port": 1, 7, 9, 25, 6000, ...).
  [/^bad port/i, 'the port is one that web clients refuse to use (a blocked port); pick another port for the target'],
  [/timeout|timed out/i, 'the target did not answer in time'],
]

/** A plain sentence for why the last attempt to reach a target failed. */
export function describeFailure(err: unknown): string {
  if (isCoreError(err)) return err.details // the URL guard's refusal is already in words
  if (err instanceof RemoteHttpError) return httpWords(err.status)
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown } | undefined
  const code = typeof e?.code === 'string' ? e.code : undefined
  if (code && BY_CODE[code]) return BY_CODE[code]
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'the target did not answer in time'
  const message = typeof e?.message === 'string' ? e.message : String(err)
  for (const [pattern, words] of BY_TEXT) if (pattern.test(message)) return words
  if (e?.cause && e.cause !== err) return describeFailure(e.cause)
  return code ? `the connection failed (${code})` : `the connection failed (${message})`
}

function httpWords(status: number): string {
  if (status === 401 || status === 403) return `the target refused Tack's credentials (HTTP ${status}); check the token`
  if (status === 429) return 'the target asks Tack to slow down (HTTP 429, too many requests)'
  if (status === 408) return 'the target timed out waiting for the request (HTTP 408)'
  if (status >= 500) return `the target answered with a server error (HTTP ${status})`
  return `the target answered HTTP ${status}`
}
