import { describe, expect, it } from 'vitest'
import { CoreError } from '../errors.js'
import { describeFailure } from './reasons.js'
import { RemoteHttpError } from './targets.js'

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })

describe('describeFailure', () => {
  it('turns network codes into sentences', () => {
    expect(describeFailure(withCode('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'))).toBe(
      'nothing answers at that address (connection refused)',
    )
    expect(describeFailure(withCode('getaddrinfo ENOTFOUND nowhere.invalid', 'ENOTFOUND'))).toMatch(/does not resolve/)
    expect(describeFailure(withCode('x', 'UND_ERR_CONNECT_TIMEOUT'))).toMatch(/in time/)
  })

  it("explains undici's bad port and timeouts", () => {
    expect(describeFailure(new Error('bad port'))).toMatch(/^the port is one that web clients refuse/)
    expect(describeFailure(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(
      'the target did not answer in time',
    )
  })

  it('looks into the cause of a wrapped error', () => {
    const wrapped = new TypeError('fetch failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })
    expect(describeFailure(wrapped)).toMatch(/connection refused/)
  })

  it('words HTTP answers and keeps the URL guard refusal as it is', () => {
    expect(describeFailure(new RemoteHttpError(401, 'GET /pins: 401'))).toMatch(/credentials/)
    expect(describeFailure(new RemoteHttpError(503, 'GET /pins: 503'))).toBe('the target answered with a server error (HTTP 503)')
    expect(describeFailure(new CoreError('BAD_REQUEST', "that is Tack's own API"))).toBe("that is Tack's own API")
  })

  it('falls back to the code or message, never to nothing', () => {
    expect(describeFailure(withCode('odd', 'EWEIRD'))).toBe('the connection failed (EWEIRD)')
    expect(describeFailure('just a string')).toBe('the connection failed (just a string)')
  })
})
