// HTTP/1.1 as text, for what the byte relay sends or asks on Tack's behalf: response heads and Failure
// responses Tack composes, and the raw requests the relay makes to a local upstream (MinIO on loopback, Kubo's
// gateway on its Unix socket).
import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http'
import { CoreError } from '../errors.js'

type Headers = Record<string, string | number | string[] | undefined>

/** An HTTP/1.1 request the relay makes (to a local upstream). */
export interface RawRequest {
  /** host:port, or `unix:<path>` for a Unix socket (Kubo's gateway: kubo/repo.ts). */
  addr: string
  /** The request line and headers, ending with the blank line. */
  request: string
}

/**
 * The request line and headers of `method url`, closing the connection after; headers are 'Name: value'.
 * With socketPath the request goes to that Unix socket, and url only gives its path and Host.
 */
export function rawRequest(method: string, url: URL, headers: string[], socketPath?: string): RawRequest {
  for (const h of headers)
    if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(h)) throw new CoreError('BAD_REQUEST', 'invalid header')
  const lines = [`${method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, 'Connection: close', ...headers]
  const addr = socketPath ? `unix:${socketPath}` : `${url.hostname}:${url.port || '80'}`
  return { addr, request: lines.join('\r\n') + '\r\n\r\n' }
}

/** The status line and headers of a response, as HTTP/1.1 writes them (names and values checked as Node does). */
export function responseHead(status: number, headers: Headers): string {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) {
      validateHeaderName(name)
      validateHeaderValue(name, String(v))
      head += `${name}: ${String(v)}\r\n`
    }
  }
  return head + '\r\n'
}

/** A whole response carrying err as a PSA Failure body; `headers` are the request's own (CORS, request id). */
export function failureResponse(err: CoreError, headers: Headers = {}): string {
  const body = JSON.stringify(err.toFailure())
  const fixed = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  }
  let head: string
  try {
    head = responseHead(err.status, { ...headers, ...fixed })
  } catch {
    head = responseHead(err.status, fixed) // a header of the request's own was not valid: send the Failure bare
  }
  return head + body
}

/** A whole JSON response, or (should its headers not be valid) a Failure saying so. */
export function jsonResponse(status: number, headers: Headers, body: unknown): string {
  const json = JSON.stringify(body)
  try {
    const head = responseHead(status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
      date: new Date().toUTCString(),
      connection: 'close',
    })
    return head + json
  } catch {
    return failureResponse(new CoreError('INTERNAL_SERVER_ERROR', 'something went wrong inside Tack; see its log'))
  }
}
