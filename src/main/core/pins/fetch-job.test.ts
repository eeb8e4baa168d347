import { describe, expect, it } from 'vitest'
import { dialReason } from './fetch-job.js'

describe('dialReason', () => {
  it("keeps the reason of Kubo's first failed address", () => {
    const kubo =
      'connect 12D3KooWJT failure: failed to dial: failed to dial 12D3KooWJT: all dials failed\n  * [/ip4/127.0.0.1/tcp/1] dial tcp 127.0.0.1:1: connect: connection refused'
    expect(dialReason(kubo)).toBe('dial tcp 127.0.0.1:1: connect: connection refused')
  })
  it('shortens anything else to 160 characters', () => {
    expect(dialReason('x'.repeat(500))).toHaveLength(160)
    expect(dialReason('no route')).toBe('no route')
  })
})
