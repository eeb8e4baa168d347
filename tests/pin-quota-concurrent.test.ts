// PSA pins spend the quota when they are sized, each against what the others already spent: five pins of
// different content (3 MiB each, from a real Kubo peer), posted together by an account with 10 MiB, are all
// queued and fetched side by side, and exactly the three that fit end pinned; the others fail with
// INSUFFICIENT_FUNDS, and the account's usage stays within its quota.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { waitFor } from './fixtures/processes.js'
import { psaClient } from './fixtures/psa.js'

const MiB = 1024 * 1024
const PINS = 5
const FIT = 3

let tack: TestTack
let peer: KuboTestNode

beforeAll(async () => {
  ;[tack, peer] = await Promise.all([startTack({ config: { pinConcurrency: PINS } }), startKuboNode()])
})
afterAll(async () => {
  await Promise.all([tack?.destroy(), peer?.stop()])
})

describe('PSA pins sized side by side', () => {
  it('pin exactly as many as fit the quota', async () => {
    const cids: string[] = []
    for (let i = 0; i < PINS; i++)
      cids.push((await peer.ipfs(['add', '-Q', '--cid-version=1'], { input: randomBytes(3 * MiB) })).trim())
    const account = tack.core.state.accounts.create('sized', 10 * MiB)
    const client = psaClient(tack, tack.keyFor('sized', ['pins:read', 'pins:write']))
    const origins = peer.addresses.filter((a) => a.includes('127.0.0.1'))
    const added = await Promise.all(cids.map((cid) => client.add({ cid, origins })))
    expect(added.every((p) => p.status === 'queued' || p.status === 'pinning')).toBe(true)
    const settled = await waitFor(async () => {
      const pins = await Promise.all(added.map((p) => client.get(p.requestid)))
      return pins.every((p) => p.status === 'pinned' || p.status === 'failed') ? pins : undefined
    }, 'every pin settled', 90_000)
    expect(settled.filter((p) => p.status === 'pinned')).toHaveLength(FIT)
    const failed = settled.filter((p) => p.status === 'failed')
    expect(failed).toHaveLength(PINS - FIT)
    for (const p of failed) expect(p.info?.status_details).toMatch(/^INSUFFICIENT_FUNDS: /)
    expect(tack.core.pins.usageOf(account.id) + tack.core.files.usageOf(account.id)).toBeLessThanOrEqual(10 * MiB)
  })
})
