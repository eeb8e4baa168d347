// POST /api/pins/{requestid}/retry: a failed pin object goes back to the queue as itself (same requestid,
// same created time) and the real scheduler fetches it again; against a real Kubo that has the content.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { json } from './fixtures/http.js'
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

const retry = (requestid: string, key: string) => tack.api(`/api/pins/${requestid}/retry`, { method: 'POST', key })

describe('retrying a failed pin', () => {
  it('a pin that failed over quota is pinned after the quota is raised and it is retried', async () => {
    const cid = (await peer.ipfs(['add', '-Q', '--cid-version=1'], { input: randomBytes(2 * MiB) })).trim()
    const account = tack.core.state.accounts.create('cramped', 512 * 1024)
    const key = tack.keyFor('cramped', ['pins:read', 'pins:write'])
    const client = psaClient(tack, key)
    const origins = peer.addresses.filter((a) => a.includes('127.0.0.1'))
    const pin = await client.add({ cid, name: 'report', origins, meta: { from: 'test' } })
    const failed = await client.waitFor(pin.requestid, 'failed')
    expect(failed.info?.status_details).toMatch(/^INSUFFICIENT_FUNDS: /)
    expect(failed.info?.settled_at).toMatch(/^\d{4}-\d\d-\d\dT/)

    // Still over quota: the retry is refused with the PSA Failure, and the object stays failed.
    tack.core.state.accounts.setQuota(account.id, 0)
    const refused = await retry(pin.requestid, key)
    expect(refused.status).toBe(409)
    expect((await json(refused)).error.reason).toBe('INSUFFICIENT_FUNDS')
    expect((await client.get(pin.requestid)).status).toBe('failed')

    tack.core.state.accounts.setQuota(account.id, 16 * MiB)
    const res = await retry(pin.requestid, key)
    expect(res.status).toBe(202)
    const queued = await json(res)
    expect(queued.requestid).toBe(pin.requestid)
    expect(['queued', 'pinning', 'pinned']).toContain(queued.status)
    expect(queued.info?.status_details ?? '').not.toMatch(/INSUFFICIENT_FUNDS/)

    const pinned = await client.waitFor(pin.requestid, 'pinned')
    // The same object: its requestid, created time, name, origins and meta are kept.
    expect(pinned.created).toBe(pin.created)
    expect(pinned.pin).toEqual(pin.pin)
    expect(Date.parse(pinned.info!.started_at!)).toBeLessThanOrEqual(Date.parse(pinned.info!.settled_at!))
    expect(await tack.core.kubo.client.isPinned(cid)).toBe(true)
    expect((await client.list('?status=failed')).count).toBe(0)

    // Pinned now: nothing to retry.
    const again = await retry(pin.requestid, key)
    expect(again.status).toBe(409)
    expect((await json(again)).error.reason).toBe('CONFLICT')
  })

  it("another account's pin is not found, and a key without pins:write is refused", async () => {
    const nilKey = tack.keyFor('nil', ['pins:read', 'pins:write'])
    const theirs = await psaClient(tack, nilKey).add({ cid: 'bafkqaaa' })
    const mallory = tack.keyFor('mallory', ['pins:read', 'pins:write'])
    const res = await retry(theirs.requestid, mallory)
    // 404 before any look at its status: another account learns nothing of the object.
    expect(res.status).toBe(404)
    expect((await json(res)).error.reason).toBe('NOT_FOUND')
    expect((await retry('not-a-requestid', mallory)).status).toBe(404)
    expect((await retry(theirs.requestid, tack.keyFor('nil', ['pins:read']))).status).toBe(403)
    // Its owner gets 409: the object is pinned.
    expect((await retry(theirs.requestid, nilKey)).status).toBe(409)
  })
})
