import { describe, expect, it } from 'vitest'
import { forwardingHealth } from './health.js'

const now = Date.parse('2026-01-01T12:00:00Z')
const ago = (ms: number) => new Date(now - ms).toISOString()

describe('forwardingHealth', () => {
  it('is ok while every target answers or fails for less than the threshold', () => {
    const remotes = [
      { name: 'a', failingSince: null, lastError: null },
      { name: 'b', failingSince: ago(60_000), lastError: 'x' },
    ]
    expect(forwardingHealth(remotes, 5 * 60_000, { names: true, now })).toEqual({ health: 'ok' })
    expect(forwardingHealth([], 0, { names: true, now })).toEqual({ health: 'ok' })
  })

  it('is degraded past the threshold, naming the target only for an admin', () => {
    const remotes = [{ name: 'lab', failingSince: ago(6 * 60_000), lastError: 'nothing answers at that address' }]
    const admin = forwardingHealth(remotes, 5 * 60_000, { names: true, now })
    expect(admin.health).toBe('degraded')
    expect(admin.detail).toBe(`lab unreachable since ${ago(6 * 60_000)}: nothing answers at that address`)
    const user = forwardingHealth(remotes, 5 * 60_000, { names: false, now })
    expect(user).toEqual({ health: 'degraded', detail: '1 forwarding target(s) unreachable for more than 5 min' })
    expect(forwardingHealth(remotes, 2000, { names: false, now }).detail).toMatch(/more than 2 s$/)
  })
})
