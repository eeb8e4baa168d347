// Content Kubo pins already is never asked for again. Kubo 0.43 (boxo 0.42 dspinner) answers `pin add` of a
// CID it pins recursively by removing that pin, walking the DAG with its lock released, then pinning it
// again: the pinset lacks the content meanwhile, and a `pin add` cut short in between (stop, GC pause,
// preemption) leaves it unpinned for good while something still references it. The refcount model test met
// this under load: a replacement whose content is the content it holds (pinned c, replaced while fetching,
// replaced by c again) had its held content missing from Kubo's pinset while it was pending.
// Real SQLite store, real Kubo; the client is the real one, watched: each `pin add` first asks Kubo (for
// real) whether the CID is pinned already, so a re-pin is seen whatever the timing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEventBus } from '../src/main/core/events.js'
import { createKuboClient, type KuboClient } from '../src/main/core/kubo/client.js'
import { silentLogger } from '../src/main/core/log.js'
import { createPins, parsePinBody, type Pins } from '../src/main/core/pins/index.js'
import { openState, type State } from '../src/main/core/state.js'
import { unfindableCid } from './fixtures/cids.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { waitFor } from './fixtures/processes.js'
import { tempDir } from './fixtures/tmp.js'

let node: KuboTestNode
let client: KuboClient
let state: State
let pins: Pins
let owner: number
const dir = tempDir()
/** CIDs Tack asked Kubo to pin while Kubo pinned them already. */
const repins: string[] = []

beforeAll(async () => {
  node = await startKuboNode()
  client = createKuboClient(() => node.apiUrl)
  state = openState({ dataDir: dir.path, defaultQuotaBytes: 1024 ** 3 })
  owner = state.accounts.ensureOwner().id
  const watched: KuboClient = {
    ...client,
    async pinAdd(cid, onProgress, signal) {
      if (await client.isPinned(cid)) repins.push(cid)
      return client.pinAdd(cid, onProgress, signal)
    },
  }
  pins = createPins(
    {
      db: state.db,
      kubo: watched,
      identity: () => undefined,
      accounts: state.accounts,
      events: createEventBus(),
      log: silentLogger,
    },
    { concurrency: 2, timeoutMs: 600_000, stallTimeoutMs: 2000 },
  )
  await pins.start()
}, 60_000)

afterAll(async () => {
  await pins?.stop()
  state?.close()
  await node?.stop()
  dir.remove()
})

const contentOf = async (text: string) => {
  const cid = (
    await node.ipfs(['add', '-Q', '--pin=false', '--cid-version=1'], { input: `${text} ${Date.now()}` })
  ).trim()
  expect(cid).toMatch(/^bafk/)
  return cid
}
const pinned = (requestid: string) => () => pins.get(owner, requestid).status === 'pinned'

describe('content Kubo pins already', () => {
  it('a replacement whose content is the content it holds settles without a re-pin, and the content stays pinned', async () => {
    const cid = await contentOf('held')
    const first = await pins.add(owner, parsePinBody({ cid }))
    await waitFor(pinned(first.requestid), 'the first pin')
    // Replaced while fetching (content nobody has), then replaced by the first content again: the newest
    // object wants the very content its lineage holds.
    const fetching = pins.replace(owner, first.requestid, parsePinBody({ cid: await unfindableCid() }))
    expect(pins.get(owner, fetching.requestid).status).not.toBe('pinned')
    const again = pins.replace(owner, fetching.requestid, parsePinBody({ cid }))
    expect(again.status).toBe('queued')
    await waitFor(pinned(again.requestid), 'the replacement by the held content')
    expect(repins).not.toContain(cid)
    expect(await client.isPinned(cid)).toBe(true)
    expect(pins.get(owner, again.requestid).replaces).toBeUndefined()
    // The content goes with its last reference.
    pins.remove(owner, again.requestid)
    await waitFor(async () => !(await client.isPinned(cid)), 'the content to be unpinned after the delete')
  })

  it('content another holder pinned in Kubo is not re-pinned, and stays pinned', async () => {
    // As an upload of the files domain would: Kubo pins it, the pins domain has no object for it yet.
    const cid = await contentOf('pinned elsewhere')
    await client.pinAdd(cid)
    const pin = await pins.add(owner, parsePinBody({ cid }))
    await waitFor(pinned(pin.requestid), 'the pin of content Kubo holds')
    expect(repins).not.toContain(cid)
    expect(await client.isPinned(cid)).toBe(true)
  })

  it('content Kubo does not pin yet is pinned (the check does not skip real work)', async () => {
    const cid = await contentOf('fresh')
    const pin = await pins.add(owner, parsePinBody({ cid }))
    await waitFor(pinned(pin.requestid), 'the pin of fresh content')
    expect(await client.isPinned(cid)).toBe(true)
  })
})
