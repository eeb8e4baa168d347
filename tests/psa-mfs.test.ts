// Kubo's MFS auto-pin policy against Tack: the user's node pins its MFS root under one name and replaces
// that pin whenever the root changes. Kubo polls its config every 30 s unless MFS_PIN_POLL_INTERVAL (read
// by the daemon at start) says otherwise; the per-service repin interval is Policies.MFS.RepinInterval.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { psaClient } from './fixtures/psa.js'
import { waitFor } from './fixtures/processes.js'

let tack: TestTack
let user: KuboTestNode

beforeAll(async () => {
  process.env.MFS_PIN_POLL_INTERVAL = '1s' // inherited by the user's daemon; this test file runs in its own process
  ;[tack, user] = await Promise.all([startTack(), startKuboNode()])
})
afterAll(async () => {
  await Promise.all([tack?.destroy(), user?.stop()])
})

it('pins the MFS root and replaces the pin when the root changes', async () => {
  const key = tack.keyFor('mfs-user', ['pins:read', 'pins:write'])
  const client = psaClient(tack, key)
  await user.ipfs(['pin', 'remote', 'service', 'add', 'tack', `${tack.url}/api/pinning`, key])
  await user.ipfs(['config', '--json', 'Pinning.RemoteServices.tack.Policies.MFS', JSON.stringify({ Enable: true, PinName: 'mfs-root', RepinInterval: '1s' })])

  const rootOf = async () => JSON.parse(await user.ipfs(['files', 'stat', '--enc=json', '/'])).Hash as string
  const pinnedRoot = async (cid: string) => {
    const res = await client.list('?name=mfs-root&status=queued,pinning,pinned,failed')
    return res.count === 1 && res.results[0]!.pin.cid === cid && res.results[0]!.status === 'pinned' ? res.results[0] : undefined
  }

  const first = await rootOf()
  const firstPin = await waitFor(() => pinnedRoot(first), 'the first MFS root to be pinned', 60_000)

  await user.ipfs(['files', 'write', '--create', '/hello.txt'], { input: `hello from MFS ${Date.now()}` })
  const second = await rootOf()
  expect(second).not.toBe(first)
  const secondPin = await waitFor(() => pinnedRoot(second), 'the changed MFS root to replace the pin', 60_000)
  expect(secondPin.requestid).not.toBe(firstPin.requestid)
  expect((await client.call('GET', `/pins/${firstPin.requestid}`)).status).toBe(404)
  // Tack holds the new root's file now.
  const res = await tack.core.kubo.client.call('cat', { arg: `${second}/hello.txt`, offline: 'true' })
  expect(await res.text()).toMatch(/^hello from MFS/)
})
