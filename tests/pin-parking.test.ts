// Content nobody provides parks without a slot and comes back early when something suggests it can now be
// found: a peer connecting, or a new pin object for it that names an origin. Real Kubo on both sides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { psaClient, type PsaClient } from './fixtures/psa.js'
import { waitFor } from './fixtures/processes.js'

let tack: TestTack
let peer: KuboTestNode
let alice: PsaClient

beforeAll(async () => {
  // Search 1 s, then park for 30 s: anything pinned well before 30 s was woken early.
  ;[tack, peer] = await Promise.all([startTack({ config: { pinSearchMs: 1000 } }), startKuboNode()])
  alice = psaClient(tack, tack.keyFor('alice', ['pins:read', 'pins:write']))
})

afterAll(async () => {
  await Promise.all([tack?.destroy(), peer?.stop()])
})

const loopback = () => peer.addresses.filter((a) => a.includes('127.0.0.1'))

async function parkedPin(text: string) {
  const cid = (await peer.ipfs(['add', '-Q', '--cid-version=1'], { input: `${text} ${Date.now()}` })).trim()
  expect(cid).toMatch(/^bafk/)
  const pin = await alice.add({ cid })
  const parked = await waitFor(
    async () => {
      const s = await alice.get(pin.requestid)
      return s.info?.status_details?.includes('parked until') ? s : undefined
    },
    'the pin to park',
    20_000,
  )
  expect(parked.status).toBe('queued')
  expect(parked.info?.status_details).toMatch(/no provider found in \d+ s; parked until \d{4}-/)
  expect(tack.core.pins.scheduler().active).toEqual([])
  return { cid, pin }
}

describe('parked content', () => {
  it('comes back at once when a new pin object names an origin that has it', async () => {
    const { cid, pin } = await parkedPin('origin wakes it')
    const t0 = Date.now()
    const second = await alice.add({ cid, origins: loopback() })
    await alice.waitFor(second.requestid, 'pinned', 10_000)
    await alice.waitFor(pin.requestid, 'pinned', 5000) // one fetch settled both objects
    expect(Date.now() - t0).toBeLessThan(10_000)
  })

  it('comes back when a peer connects', async () => {
    // Disconnect first: the previous test connected the two nodes.
    for (const addr of loopback()) await tack.core.kubo.client.call('swarm/disconnect', { arg: addr }).catch(() => {})
    await waitFor(async () => (await tack.core.kubo.client.peerCount()) === 0, 'the nodes to be apart')
    const { pin } = await parkedPin('peer wakes it')
    const t0 = Date.now()
    await tack.core.kubo.client.swarmConnect(loopback()[0]!)
    await alice.waitFor(pin.requestid, 'pinned', 15_000)
    expect(Date.now() - t0).toBeLessThan(15_000)
  })
})
