// The head the relay sends is written by Tack: it must be what Node would write, and no header value may
// smuggle a line of its own (a filename from the query ends up in Content-Disposition).
import { describe, expect, it } from 'vitest'
import { CoreError } from '../errors.js'
import { failureResponse, jsonResponse, rawRequest, responseHead } from './http-text.js'

describe('responseHead', () => {
  it('writes the status line and each header, repeated ones on lines of their own', () => {
    expect(responseHead(206, { 'content-length': 10, vary: ['a', 'b'], skipped: undefined })).toBe(
      'HTTP/1.1 206 Partial Content\r\ncontent-length: 10\r\nvary: a\r\nvary: b\r\n\r\n',
    )
  })

  it('refuses a header value or name that would start a line of its own', () => {
    expect(() => responseHead(200, { 'content-disposition': 'inline\r\nset-cookie: x=1' })).toThrow()
    expect(() => responseHead(200, { 'x\r\nset-cookie': 'x=1' })).toThrow()
  })

  it('frames a Failure as a whole response', () => {
    const text = failureResponse(new CoreError('SERVICE_UNAVAILABLE', 'gone'))
    const [head, body] = text.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/)
    expect(head).toContain(`content-length: ${Buffer.byteLength(body!)}`)
    expect(JSON.parse(body!)).toEqual({ error: { reason: 'SERVICE_UNAVAILABLE', details: 'gone' } })
  })

  it('sends a Failure bare, or in place of a JSON answer, when a header of the request is not valid', () => {
    const bad = { 'x-bad': 'a\r\nset-cookie: x=1' }
    const failure = failureResponse(new CoreError('NOT_FOUND', 'gone'), bad)
    expect(failure).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/)
    expect(failure).not.toContain('set-cookie')
    expect(jsonResponse(201, bad, { ok: true })).toMatch(/^HTTP\/1\.1 500 /)
    expect(jsonResponse(201, { 'x-request-id': 'r1' }, { ok: true })).toMatch(/^HTTP\/1\.1 201 Created\r\nx-request-id: r1\r\n/)
  })
})

describe('rawRequest', () => {
  it('writes the request line and headers, refusing a header that would start a line of its own', () => {
    const req = rawRequest('GET', new URL('http://127.0.0.1:9/ipfs/x?format=raw'), ['Range: bytes=0-9'])
    expect(req).toEqual({
      addr: '127.0.0.1:9',
      request: 'GET /ipfs/x?format=raw HTTP/1.1\r\nHost: 127.0.0.1:9\r\nConnection: close\r\nRange: bytes=0-9\r\n\r\n',
    })
    expect(() => rawRequest('GET', new URL('http://127.0.0.1:9/'), ['Range: 0\r\nX-Evil: 1'])).toThrow()
  })

  it('names a Unix socket as unix:<path>, the URL giving only the path and Host (Kubo\'s gateway)', () => {
    const req = rawRequest('GET', new URL('http://127.0.0.1/ipfs/x'), [], '/tmp/d/gateway.sock')
    expect(req).toEqual({
      addr: 'unix:/tmp/d/gateway.sock',
      request: 'GET /ipfs/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    })
  })
})
