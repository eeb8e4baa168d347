// The head the relay sends is written by Tack: it must be what Node would write, and no header value may
// smuggle a line of its own (a filename from the query ends up in Content-Disposition).
import { describe, expect, it } from 'vitest'
import { CoreError } from '../errors.js'
import { failureResponse, responseHead } from './relay.js'

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
})
