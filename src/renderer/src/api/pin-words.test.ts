import { describe, expect, it } from 'vitest'
import type { PinStatus } from '../../../shared/psa'
import { localTimes } from './format'
import { detailsWords, fieldWords, reasonWords, targetStates, timeline } from './pin-words'

const fmt = (iso: string) => `<${Date.parse(iso)}>`

describe('pin words', () => {
  it('maps a reason code to a sentence and ISO times to local ones', () => {
    expect(detailsWords('INSUFFICIENT_FUNDS: pinning this needs 2 MiB, 1 MiB left', fmt)).toBe(
      "Over the account's storage quota: pinning this needs 2 MiB, 1 MiB left",
    )
    expect(detailsWords('not found; parked until 2026-12-07T23:05:21.752Z (attempt 2)', fmt)).toBe(
      `not found; parked until <${Date.parse('2026-12-07T23:05:21.752Z')}> (attempt 2)`,
    )
    expect(detailsWords(undefined)).toBeUndefined()
    expect(detailsWords('UNKNOWN_CODE: kept', fmt)).toBe('UNKNOWN_CODE: kept')
    expect(localTimes('no times here')).toBe('no times here')
    // For <TimesIn>: the sentence, its times left as the server wrote them.
    expect(reasonWords('INSUFFICIENT_FUNDS: until 2026-12-07T23:05:21Z')).toBe(
      "Over the account's storage quota: until 2026-12-07T23:05:21Z",
    )
  })

  it('names fields as the form does', () => {
    expect(fieldWords('pin.origins[0]: not a multiaddr')).toBe('Origin 1: not a multiaddr')
    expect(fieldWords('pin.cid: Non-base32z character')).toBe('CID: Non-base32z character')
    expect(fieldWords('query.q: Too big')).toBe('Search: too long')
    expect(fieldWords('pin.meta.app: too long')).toBe('Meta “app”: too long')
  })

  it('reads the state per forwarding target from the info', () => {
    const info = {
      status_details: 'x',
      'remote.lab': 'queued',
      'remote.lab.details': 'lab unreachable; retrying',
      'remote.b': 'pinned',
      'remote.b.peers': '2/3',
    }
    expect(targetStates(info)).toEqual([
      { name: 'b', status: 'pinned', peers: '2/3' },
      { name: 'lab', status: 'queued', details: 'lab unreachable; retrying' },
    ])
    expect(targetStates(undefined)).toEqual([])
  })

  it('builds the timeline, settled at creation for a pin that never waited', () => {
    const base = { requestid: 'r', created: '2026-01-01T00:00:00.000Z', pin: { cid: 'c' }, delegates: [] }
    const waited = {
      ...base,
      status: 'pinned',
      info: { started_at: '2026-01-01T00:00:01.000Z', settled_at: '2026-01-01T00:00:02.000Z' },
    } as PinStatus
    expect(timeline(waited).map((s) => s.label)).toEqual(['Created', 'Started', 'Settled'])
    const atOnce = { ...base, status: 'failed' } as PinStatus
    expect(timeline(atOnce)).toEqual([
      { label: 'Created', iso: base.created },
      { label: 'Failed', iso: base.created },
    ])
    expect(timeline({ ...base, status: 'queued' } as PinStatus)).toHaveLength(1)
  })
})
