// A quota bounds what Kubo fetches, not only what it keeps: content that only accounts with a quota wait for
// stops arriving once none of them could hold what came (pins/fetch-job.ts, watchSize), against a real Kubo
// that has the content and Tack's own Kubo fetching it.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { psaClient } from './fixtures/psa.js'

const MiB = 1024 * 1024
let tack: TestTack
let peer: KuboTestNode

beforeAll(async () => {
  ;[tack, peer] = await Promise.all([startTack(), startKuboNode()])
})

afterAll(async () => {
  await Promise.all([tack?.destroy(), peer?.stop()])
})

/** Bytes of the DAG Tack's Kubo holds now (blocks it lacks are not counted). */
async function heldBytes(cid: string): Promise<number> {
  return tack.core.kubo.client.dagSize(cid, { offline: true }).catch(() => -1)
}

describe('quota while fetching', () => {
  it('stops fetching a DAG larger than every waiting account could hold, and says so', async () => {
    const cid = (await peer.ipfs(['add', '-Q', '--cid-version=1'], { input: randomBytes(96 * MiB) })).trim()
    tack.core.state.accounts.create('tight', 8 * MiB)
    const tight = psaClient(tack, tack.keyFor('tight', ['pins:read', 'pins:write']))
    const origins = peer.addresses.filter((a) => a.includes('127.0.0.1'))
    const pin = await tight.add({ cid, origins })
    const failed = await tight.waitFor(pin.requestid, 'failed', 60_000)
    expect(failed.info?.status_details).toMatch(/^INSUFFICIENT_FUNDS: .*\(at least: the fetch stopped there\)$/)
    // What arrived is far short of the 96 MiB DAG: the fetch stopped near the quota, not at the end.
    const root = await tack.core.kubo.client.call('block/stat', { arg: cid, offline: 'true' }).then(
      () => true,
      () => false,
    )
    expect(root, 'the root block arrived').toBe(true)
    const stat = await tack.core.kubo.client.call('repo/stat', { 'size-only': 'true' })
    const { RepoSize } = (await stat.json()) as { RepoSize: number }
    expect(RepoSize).toBeLessThan(64 * MiB)
    expect(await tack.core.kubo.client.isPinned(cid)).toBe(false)
  })

  it('fetches the whole DAG when an account without a quota waits for it too', async () => {
    const cid = (await peer.ipfs(['add', '-Q', '--cid-version=1'], { input: randomBytes(24 * MiB) })).trim()
    tack.core.state.accounts.create('small', 8 * MiB)
    const small = psaClient(tack, tack.keyFor('small', ['pins:read', 'pins:write']))
    const owner = psaClient(tack, tack.adminKey)
    const origins = peer.addresses.filter((a) => a.includes('127.0.0.1'))
    // The owner asks first, so the fetch never runs for quota'd accounts alone.
    const b = await owner.add({ cid, origins })
    const a = await small.add({ cid, origins })
    await owner.waitFor(b.requestid, 'pinned', 60_000)
    const refused = await small.waitFor(a.requestid, 'failed', 60_000)
    // Refused for its size once known whole, not for a part of it.
    expect(refused.info?.status_details).toMatch(/^INSUFFICIENT_FUNDS: /)
    expect(refused.info?.status_details).not.toMatch(/at least/)
    expect(await heldBytes(cid)).toBeGreaterThanOrEqual(24 * MiB)
  })
})
