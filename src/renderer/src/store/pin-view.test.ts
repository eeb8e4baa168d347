import { describe, expect, it } from 'vitest'
import type { PinStatus, Status } from '../../../shared/psa'
import { matchCid, pageOf, sortPins } from './pin-view'

const pin = (requestid: string, cid: string, name: string | undefined, status: Status, created: string): PinStatus => ({
  requestid,
  status,
  created,
  pin: { cid, name },
  delegates: [],
})

const pins = [
  pin('1', 'bafkqaaa1', 'beta', 'pinned', '2026-01-01T00:00:01.000Z'),
  pin('2', 'bafyAbc22', 'alpha 10', 'failed', '2026-01-01T00:00:03.000Z'),
  pin('3', 'QmXyz333', undefined, 'queued', '2026-01-01T00:00:02.000Z'),
  pin('4', 'bafkqzzz4', 'alpha 9', 'pinned', '2026-01-01T00:00:04.000Z'),
]
const ids = (list: PinStatus[]) => list.map((p) => p.requestid).join('')

describe('pin view', () => {
  it('finds a pin by any part of its CID, case-insensitive, several parts as alternatives', () => {
    expect(ids(matchCid(pins, 'bafkq'))).toBe('14')
    expect(ids(matchCid(pins, 'abc2'))).toBe('2')
    expect(ids(matchCid(pins, 'xyz, zzz4'))).toBe('34')
    expect(ids(matchCid(pins, '  '))).toBe('1234')
    expect(matchCid(pins, 'nothing')).toEqual([])
  })

  it('sorts by created, name (numeric, unnamed last) and status (failed first ascending)', () => {
    expect(ids(sortPins(pins, { key: 'created', dir: 'desc' }))).toBe('4231')
    expect(ids(sortPins(pins, { key: 'created', dir: 'asc' }))).toBe('1324')
    expect(ids(sortPins(pins, { key: 'name', dir: 'asc' }))).toBe('4213')
    expect(ids(sortPins(pins, { key: 'name', dir: 'desc' }))).toBe('1243')
    expect(ids(sortPins(pins, { key: 'status', dir: 'asc' }))).toBe('2314')
  })

  it('pages, clamping a page past the end to the last', () => {
    expect(pageOf([1, 2, 3, 4, 5], 1, 2)).toEqual({ rows: [3, 4], page: 1, pages: 3 })
    expect(pageOf([1, 2, 3, 4, 5], 9, 2)).toEqual({ rows: [5], page: 2, pages: 3 })
    expect(pageOf([], 0, 20)).toEqual({ rows: [], page: 0, pages: 1 })
  })
})
