import { describe, expect, it } from 'vitest'
import { isCoreError } from '../errors.js'
import { parseListQuery, parsePinBody, parseRfc3339 } from './query.js'

describe('parseRfc3339', () => {
  it('reads Z, offsets and up to 9 fractional digits', () => {
    expect(parseRfc3339('2020-07-27T17:32:28.276Z')).toEqual({ ms: Date.parse('2020-07-27T17:32:28.276Z'), subMillisecond: false })
    expect(parseRfc3339('2020-07-27T19:32:28.276+02:00')!.ms).toBe(Date.parse('2020-07-27T17:32:28.276Z'))
    expect(parseRfc3339('2020-07-27T17:32:28.276000001Z')).toEqual({ ms: Date.parse('2020-07-27T17:32:28.276Z'), subMillisecond: true })
    expect(parseRfc3339('2020-07-27T17:32:28Z')!.ms).toBe(Date.parse('2020-07-27T17:32:28Z'))
    // A `+` that a query parser turned into a space.
    expect(parseRfc3339('2020-07-27T19:32:28 02:00')!.ms).toBe(Date.parse('2020-07-27T17:32:28Z'))
  })
  it.each(['2020-07-27', '2020-13-01T00:00:00Z', '2020-02-30T00:00:00Z', '2020-01-01T24:00:00Z', 'yesterday', '2020-01-01T00:00:00.1234567890Z'])(
    'rejects %s',
    (s) => expect(parseRfc3339(s)).toBeUndefined(),
  )
})

describe('parseListQuery', () => {
  it('defaults to pinned only without filters, and to every status with one', () => {
    expect(parseListQuery({}).statuses).toEqual(['pinned'])
    expect(parseListQuery({ limit: '5', match: 'partial' }).statuses).toEqual(['pinned'])
    for (const q of [{ name: 'x' }, { cid: 'bafkqaaa' }, { meta: '{"a":"b"}' }, { before: '2020-01-01T00:00:00Z' }, { after: '2020-01-01T00:00:00Z' }])
      expect(parseListQuery(q).statuses).toEqual(['queued', 'pinning', 'pinned', 'failed'])
    expect(parseListQuery({ name: 'x', status: 'failed' }).statuses).toEqual(['failed'])
  })
  it('keeps before/after strict at millisecond precision', () => {
    expect(parseListQuery({ before: '1970-01-01T00:00:01.000Z' }).before).toBe(1000)
    expect(parseListQuery({ before: '1970-01-01T00:00:01.0005Z' }).before).toBe(1001)
    expect(parseListQuery({ after: '1970-01-01T00:00:01.0005Z' }).after).toBe(1000)
  })
  it('accepts cid comma-separated and repeated; v0 and v1 give one multihash', () => {
    const f = parseListQuery({
      cid: ['QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn', 'bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354,bafkqaaa'],
    })
    expect(f.multihashes).toHaveLength(2)
  })
})

describe('parsePinBody', () => {
  it('keeps the first 20 origins and refuses a malformed one, naming it, instead of dropping it', () => {
    const origins = Array.from({ length: 30 }, (_, i) => `/ip4/10.0.0.${i}/tcp/4001`)
    const pin = parsePinBody({ cid: 'bafkqaaa', origins })
    expect(pin.origins).toHaveLength(20)
    expect(pin.origins[0]).toBe('/ip4/10.0.0.0/tcp/4001')
    expect(() => parsePinBody({ cid: 'bafkqaaa', origins: [...origins, 'junk'] })).toThrow(/pin\.origins\[30\] is not a multiaddr/)
  })
  it('treats an empty name as none and rejects a long one', () => {
    expect(parsePinBody({ cid: 'bafkqaaa', name: '' }).name).toBeUndefined()
    expect(parsePinBody({ cid: 'bafkqaaa', name: 'é'.repeat(255) }).name).toHaveLength(255)
    try {
      parsePinBody({ cid: 'bafkqaaa', name: 'x'.repeat(256) })
      expect.unreachable()
    } catch (err) {
      expect(isCoreError(err, 'BAD_REQUEST')).toBe(true)
    }
  })
})
