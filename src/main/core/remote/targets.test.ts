import { describe, expect, it } from 'vitest'
import { selects } from './forwarder.js'
import type { Remote } from './store.js'
import { summarizeCluster } from './targets.js'

describe('cluster status summary', () => {
  const peer = (status: string, error?: string) => ({ status, error })
  it('is pinned only when every allocated peer has pinned', () => {
    expect(summarizeCluster([peer('pinned'), peer('pinned')])).toEqual({
      status: 'pinned',
      details: '2/2 peers pinned',
      peers: '2/2',
    })
    expect(summarizeCluster([peer('pinned'), peer('remote')]).status).toBe('pinned')
  })
  it('counts an allocated peer that has not pinned yet as pending', () => {
    expect(summarizeCluster([peer('pinned'), peer('unpinned')])).toMatchObject({ status: 'pinning', peers: '1/2' })
  })
  it('says which peers are unreachable while the others have pinned', () => {
    expect(summarizeCluster([peer('pinned'), peer('cluster_error')])).toEqual({
      status: 'pinning',
      details: '1/2 peers pinned, 1 unreachable',
      peers: '1/2',
    })
  })
  it('fails with the peer error when nothing else is pending', () => {
    const s = summarizeCluster([peer('pinned'), peer('pin_error', 'context deadline exceeded')])
    expect(s.status).toBe('failed')
    expect(s.details).toContain('context deadline exceeded')
  })
  it('is queued while every peer queues it', () => {
    expect(summarizeCluster([peer('pin_queued'), peer('pin_queued')]).status).toBe('queued')
    expect(summarizeCluster([peer('pinning'), peer('pin_queued')]).status).toBe('pinning')
  })
})

describe('forwarding policy', () => {
  const remote = (policy: 'accounts' | 'meta', accountIds: number[] = []): Remote => ({
    id: 1, name: 'lab', kind: 'cluster', url: 'http://x', policy, accountIds, created: new Date(),
  })
  const pin = (accountId: number, meta?: Record<string, string>) => ({ multihash: 'm', cid: 'c', accountId, meta })
  it('forwards every pin of the chosen accounts', () => {
    expect(selects(remote('accounts', [2]), pin(2))).toBe(true)
    expect(selects(remote('accounts', [2]), pin(3))).toBe(false)
  })
  it('forwards pins whose meta asks for this target or for all', () => {
    expect(selects(remote('meta'), pin(1, { 'tack.remote': 'lab' }))).toBe(true)
    expect(selects(remote('meta'), pin(1, { 'tack.remote': 'other, lab' }))).toBe(true)
    expect(selects(remote('meta'), pin(1, { 'tack.remote': '*' }))).toBe(true)
    expect(selects(remote('meta'), pin(1, { 'tack.remote': 'other' }))).toBe(false)
    expect(selects(remote('meta'), pin(1))).toBe(false)
  })
})
