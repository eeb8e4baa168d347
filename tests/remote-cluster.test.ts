// Forwarding to a real IPFS Cluster (two peers, each with its own Kubo) and to a second Tack as a Pinning
// Service API target. Tack's own Kubo is the origin the cluster fetches from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type TestCluster } from './fixtures/cluster.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { json } from './fixtures/http.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { waitFor } from './fixtures/processes.js'
import { psaClient, type PsaClient } from './fixtures/psa.js'
import { tempDir } from './fixtures/tmp.js'

const POLL = { remotePollMs: 300 }

// Never skipped: `npm test` builds the cluster binaries, and startCluster fails, saying how, without them.
describe('forwarding to IPFS Cluster', () => {
  let cluster: TestCluster
  let tack: TestTack
  let user: KuboTestNode
  let psa: PsaClient
  const dir = tempDir()

  beforeAll(async () => {
    cluster = await startCluster(2)
    user = await startKuboNode()
    tack = await startTack({ dataDir: dir.path, config: POLL })
    psa = psaClient(tack, tack.adminKey)
    const res = await tack.api('/api/remotes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'lab', kind: 'cluster', url: cluster.peers[0]!.restUrl }),
    })
    expect(res.status).toBe(201)
  })
  afterAll(async () => {
    await tack?.stop()
    await cluster?.stop()
    await user?.stop()
    dir.remove()
  })

  /** Content only the user's node has, pinned in Tack through the PSA with the user's node as origin. */
  async function pinThroughTack(text: string) {
    const cid = (await user.ipfs(['add', '-Q', '--cid-version=1'], { input: text })).trim()
    const pin = await psa.add({ cid, name: text, origins: user.addresses })
    await psa.waitFor(pin.requestid, 'pinned')
    return { cid, requestid: pin.requestid }
  }
  const clusterStatus = async (peer: number, cid: string) =>
    json(await fetch(`${cluster.peers[peer]!.restUrl}/pins/${cid}`)).catch(() => undefined)
  const pinnedOnAll = async (cid: string) => {
    const s = await clusterStatus(0, cid)
    const peers = Object.values(s?.peer_map ?? {}) as Array<{ status: string }>
    return peers.length === 2 && peers.every((p) => p.status === 'pinned')
  }

  it('pins on both cluster peers and shows the remote status in the pin', async () => {
    const { cid, requestid } = await pinThroughTack('to the cluster')
    await waitFor(() => pinnedOnAll(cid), 'cluster to pin on both peers', 60_000)
    const ctl = await cluster.peers[1]!.ctl(['status', cid])
    expect(ctl.match(/PINNED/g)).toHaveLength(2)
    const pin = await waitFor(async () => {
      const p = await psa.get(requestid)
      return p.info?.['remote.lab'] === 'pinned' ? p : undefined
    }, 'remote status in info')
    expect(pin.info?.['remote.lab.peers']).toBe('2/2')
    const status = await json(await tack.api('/api/status'))
    expect(status.remotes[0]).toMatchObject({ name: 'lab', kind: 'cluster' })
    expect(status.remotes[0].pins.pinned).toBeGreaterThanOrEqual(1)
  })

  it('unpins in the cluster when the pin is deleted in Tack', async () => {
    const { cid, requestid } = await pinThroughTack('short-lived')
    await waitFor(() => pinnedOnAll(cid), 'cluster pin')
    expect((await psa.call('DELETE', `/pins/${requestid}`)).status).toBe(202)
    // The cluster's pinset (allocations) no longer has it.
    await waitFor(async () => (await fetch(`${cluster.peers[0]!.restUrl}/allocations/${cid}`)).status === 404, 'cluster unpin')
  })

  it('completes locally while a cluster peer is down, says so, and catches up when it returns', async () => {
    await cluster.peers[1]!.stop()
    const { cid, requestid } = await pinThroughTack('while a peer is away')
    const partial = await waitFor(async () => {
      const p = await psa.get(requestid)
      return p.info?.['remote.lab.details']?.includes('unreachable') ? p : undefined
    }, 'remote status to report the missing peer', 60_000)
    expect(partial.status).toBe('pinned') // local pinning never waits for the cluster
    expect(partial.info?.['remote.lab']).not.toBe('pinned')
    await cluster.peers[1]!.start()
    await waitFor(() => pinnedOnAll(cid), 'cluster to catch up', 90_000)
    await waitFor(async () => (await psa.get(requestid)).info?.['remote.lab'] === 'pinned', 'status to catch up', 60_000)
  })

  it('queues forwarding while the whole cluster is down, across a restart of Tack', async () => {
    for (const p of cluster.peers) await p.stop()
    const { cid, requestid } = await pinThroughTack('queued for later')
    await waitFor(async () => (await psa.get(requestid)).info?.['remote.lab.details']?.includes('unreachable'), 'unreachable')
    await tack.stop()
    tack = await startTack({ dataDir: dir.path, config: POLL })
    psa = psaClient(tack, tack.adminKey)
    for (const p of cluster.peers) await p.start()
    await waitFor(() => pinnedOnAll(cid), 'cluster to receive the queued pin', 90_000).catch(async (err: Error) => {
      throw new Error(`${err.message}; cluster says ${JSON.stringify(await clusterStatus(0, cid))}; tack says ${JSON.stringify(await psa.get(requestid))}`)
    })
    await waitFor(async () => (await psa.get(requestid)).info?.['remote.lab'] === 'pinned', 'status after restart', 60_000)
  })

  it('leaves the data readable from a cluster peer after Tack stops', async () => {
    const { cid } = await pinThroughTack('outlives tack')
    await waitFor(() => pinnedOnAll(cid), 'cluster pin')
    await tack.stop()
    await user.stop()
    expect(await cluster.peers[1]!.kubo.ipfs(['cat', '--offline', cid])).toBe('outlives tack')
  })
})

describe('forwarding to another Tack through the Pinning Service API', () => {
  it('the second Tack receives and pins the same content', async () => {
    const user = await startKuboNode()
    const target = await startTack()
    const tack = await startTack({ config: POLL })
    try {
      const targetKey = target.keyFor('mirror', ['pins:read', 'pins:write'])
      const added = await tack.api('/api/remotes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'mirror', kind: 'psa', url: `${target.url}/api/pinning`, token: targetKey }),
      })
      expect(added.status).toBe(201)
      expect(JSON.stringify(await json(await tack.api('/api/remotes')))).not.toContain(targetKey)

      const cid = (await user.ipfs(['add', '-Q', '--cid-version=1'], { input: 'mirrored' })).trim()
      const local = await psaClient(tack, tack.adminKey).add({ cid, name: 'mirrored', origins: user.addresses })
      await psaClient(tack, tack.adminKey).waitFor(local.requestid, 'pinned')
      const remote = psaClient(target, targetKey)
      const listed = await waitFor(async () => {
        const r = await remote.list(`?cid=${cid}&status=pinned`)
        return r.count === 1 ? r : undefined
      }, 'second Tack to pin it', 60_000)
      expect(listed.results[0]!.pin.name).toBe('mirrored')
      await user.stop()
      expect(await target.core.kubo.client.isPinned(cid)).toBe(true)
    } finally {
      await tack.destroy()
      await target.destroy()
      await user.stop()
    }
  })
})
