import { describe, expect, it } from 'vitest'
import { summarizeCluster } from './targets.js'
import { MAX_DETAILS, ownState } from './words.js'

describe("a target's words in a pin", () => {
  it('keeps the four statuses and turns anything else into failed, saying so in its own words', () => {
    for (const status of ['queued', 'pinning', 'pinned', 'failed'] as const) expect(ownState({ status }).status).toBe(status)
    for (const status of ['x'.repeat(200_000), 'PINNED', '', 42, null, undefined]) {
      const state = ownState({ status, details: 'y'.repeat(200_000) })
      expect(state.status).toBe('failed')
      expect(state.details).toMatch(/not one of queued, pinning, pinned, failed/)
    }
  })

  it('bounds details and drops peers that are not a count', () => {
    const state = ownState({ status: 'pinning', details: 'z'.repeat(200_000), peers: '1'.repeat(100) })
    expect(state.details!.length).toBeLessThanOrEqual(MAX_DETAILS)
    expect(state.peers).toBeUndefined()
    expect(ownState({ status: 'pinned', details: '', peers: '2/3' })).toEqual({ status: 'pinned', peers: '2/3' })
  })

  it("leaves a cluster peer's own error text out of the summary", () => {
    const summary = summarizeCluster([
      { status: 'pinned' },
      { status: 'pin_error', error: `disk full on /srv/${'q'.repeat(200_000)}` },
    ])
    expect(summary).toMatchObject({ status: 'failed', peers: '1/2' })
    expect(summary.details).toBe('1/2 peers pinned, 1 failed')
  })
})
