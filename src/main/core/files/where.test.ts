import { describe, expect, it } from 'vitest'
import { WHERE, whereOf } from './where.js'

describe('whereOf', () => {
  it('says private for a private file whatever its state', () => {
    for (const state of ['stored', 'pinning', 'pinned', 'failed'] as const)
      expect(whereOf({ private: 1, state })).toBe(WHERE.private)
  })
  it('names each public state in words', () => {
    expect(whereOf({ private: 0, state: 'pinned' })).toBe('on IPFS')
    expect(whereOf({ private: 0, state: 'pinning' })).toBe('going on IPFS')
    expect(whereOf({ private: 0, state: 'stored' })).toBe('on this computer only')
    expect(whereOf({ private: 0, state: 'failed' })).toMatch(/^on this computer only \(/)
  })
})
