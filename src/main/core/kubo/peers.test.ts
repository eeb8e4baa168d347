import { describe, expect, it } from 'vitest'
import { createPeerCount } from './peers.js'

describe('createPeerCount', () => {
  it('answers at once with the last count, asks Kubo at most once per period, and never waits for it', async () => {
    let asked = 0
    let answer: (n: number) => void = () => {}
    const kubo = { peerCount: () => (asked++, new Promise<number>((r) => (answer = r))) }
    const peers = createPeerCount(kubo, 60_000)
    expect(peers.latest()).toBeUndefined() // Kubo has not answered yet: nothing is waited for
    expect(peers.latest()).toBeUndefined()
    expect(asked).toBe(1)
    answer(7)
    await new Promise((r) => setImmediate(r))
    expect(peers.latest()).toBe(7)
    expect(asked).toBe(1) // within the period: no second call
  })

  it('asks again once the period is over, keeping the old count while it does', async () => {
    let n = 0
    const peers = createPeerCount({ peerCount: async () => ++n }, 0)
    peers.latest()
    await new Promise((r) => setImmediate(r))
    expect(peers.latest()).toBe(1)
    await new Promise((r) => setImmediate(r))
    expect(peers.latest()).toBe(2)
  })
})
