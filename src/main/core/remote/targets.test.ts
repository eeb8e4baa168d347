import { base64 } from 'multiformats/bases/base64'
import { identity } from 'multiformats/bases/identity'
import { CID } from 'multiformats/cid'
import { identity as identityHash } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { selects } from './forwarder.js'
import type { SendInit, Sender } from './send.js'
import type { Remote } from './store.js'
import { clusterTarget, summarizeCluster } from './targets.js'

describe('cluster requests', () => {
  /** A sender that records each request and answers as a cluster with no peers would. */
  const recorder = () => {
    const sent: Array<{ method: string; url: string }> = []
    const sender: Sender = {
      async send(url: string, init: SendInit) {
        sent.push({ method: init.method ?? 'GET', url })
        return new Response(JSON.stringify({ peer_map: {} }), { status: 200 })
      },
      async close() {},
    }
    return { sent, sender }
  }

  it('name a pin by its canonical CID, escaped, never by the string a client sent', async () => {
    // A CID in base64 can hold `/`; one in the identity multibase anything at all (a path that climbs out of
    // /pins/, a `#` that cuts off the query). Tack refuses the latter from clients (parseCid), but rows from
    // before may hold it.
    let slashed = ''
    for (let i = 0; !slashed.includes('/'); i++)
      slashed = CID.createV1(0x55, await sha256.digest(new TextEncoder().encode(`x${i}`))).toString(base64)
    const climbing = CID.createV1(0x55, identityHash.digest(new TextEncoder().encode('/../bafyvictim#')))
    for (const [sent, canonical] of [
      [slashed, CID.parse(slashed, base64).toString()],
      [climbing.toString(identity), climbing.toString()],
    ]) {
      const { sent: requests, sender } = recorder()
      const target = clusterTarget({ url: 'http://cluster.test:9094/', sender })
      const ref = await target.add({ cid: sent!, name: 'n', origins: [] }, AbortSignal.timeout(1000))
      await target.state(ref, AbortSignal.timeout(1000))
      await target.remove(ref, AbortSignal.timeout(1000))
      expect(ref).toBe(canonical)
      expect(requests.map((r) => r.method)).toEqual(['POST', 'GET', 'DELETE'])
      for (const r of requests) {
        const url = new URL(r.url)
        expect(url.pathname).toBe(`/pins/${encodeURIComponent(canonical!)}`)
        expect(url.hash).toBe('')
      }
      expect(new URL(requests[0]!.url).searchParams.get('name')).toBe('n')
    }
  })
})

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
  it('fails when nothing else is pending, counting the failed peers without their own error text', () => {
    const s = summarizeCluster([peer('pinned'), peer('pin_error', 'context deadline exceeded')])
    expect(s.status).toBe('failed')
    expect(s.details).toBe('1/2 peers pinned, 1 failed')
  })
  it('is queued while every peer queues it', () => {
    expect(summarizeCluster([peer('pin_queued'), peer('pin_queued')]).status).toBe('queued')
    expect(summarizeCluster([peer('pinning'), peer('pin_queued')]).status).toBe('pinning')
  })
})

describe('forwarding policy', () => {
  const remote = (policy: 'accounts' | 'meta', accountIds: number[] = []): Remote => ({
    id: 1,
    name: 'lab',
    kind: 'cluster',
    url: 'http://x',
    policy,
    accountIds,
    created: new Date(),
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
