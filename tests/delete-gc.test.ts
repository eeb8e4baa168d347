// "Deleted means gone": when the last reference to content goes (an upload, a PSA pin object), Tack unpins it,
// removes its MinIO object, and Kubo's blockstore is garbage-collected after TACK_GC_DELAY_MS. Content another
// account still references is never touched. The final proof reads the stopped repo with Kubo's own CLI.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kuboBinary } from './fixtures/binaries.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { psaClient } from './fixtures/psa.js'

const GC_DELAY_MS = 1000
// Deadlines that fit: a GC of a small test repo takes well under a second, after the delay.
const GONE_TIMEOUT_MS = 20_000
const PIN_TIMEOUT_MS = 30_000

// Over 256 KiB: a root and several leaves, so "gone" means every block of the DAG, not only the root.
const content = () => randomBytes(600 * 1024)

async function upload(tack: TestTack, key: string, name: string, bytes: Buffer): Promise<string> {
  const res = await tack.api(`/api/files?name=${name}`, { method: 'PUT', key, body: bytes })
  expect(res.status).toBe(201)
  return ((await res.json()) as { cid: string }).cid
}

/** Accesses an upload through the gateway (which pins it) and waits until it is pinned. */
async function pinThroughGateway(tack: TestTack, key: string, cid: string): Promise<void> {
  const res = await fetch(`${tack.url}/api/gateway/${cid}`)
  expect(res.status).toBe(200)
  await res.arrayBuffer()
  await expect
    .poll(async () => ((await (await tack.api(`/api/files/${cid}`, { key })).json()) as { state: string }).state, {
      timeout: PIN_TIMEOUT_MS,
      interval: 100,
    })
    .toBe('pinned')
  expect(await tack.core.kubo.client.isPinned(cid)).toBe(true)
}

/** The root and every block below it, read from Tack's Kubo while it still has them. */
async function blocksOf(tack: TestTack, cid: string): Promise<string[]> {
  const res = await tack.core.kubo.client.call('refs', { arg: cid, recursive: 'true', unique: 'true', offline: 'true' })
  const refs = (await res.text())
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { Ref: string }).Ref)
  expect(refs.length).toBeGreaterThan(1)
  return [cid, ...refs]
}

async function presentCount(tack: TestTack, blocks: string[]): Promise<number> {
  let n = 0
  for (const b of blocks) if (await tack.core.kubo.client.hasBlock(b)) n++
  return n
}

/** `ipfs block stat --offline` on a stopped repo: exit code 0 when the block is there. */
function blockStatOffline(repo: string, cid: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(kuboBinary(), ['block', 'stat', '--offline', cid], {
      env: { ...process.env, IPFS_PATH: repo },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }))
  })
}

describe('deleting content', () => {
  let tack: TestTack
  let node: KuboTestNode
  // Blocks that must be gone from the stopped repo, and blocks another account keeps there.
  const gone: string[] = []
  const kept: string[] = []

  beforeAll(async () => {
    ;[tack, node] = await Promise.all([startTack({ config: { gcDelayMs: GC_DELAY_MS } }), startKuboNode()])
  })
  afterAll(async () => {
    await Promise.all([tack?.destroy(), node?.stop()])
  })

  it('an upload: gateway 404 at once, no MinIO object once pinned, blocks collected after the delay', async () => {
    const key = tack.keyFor('del-upload', ['files:read', 'files:write'])
    const cid = await upload(tack, key, 'doomed.bin', content())
    const objectKey = tack.core.files.repo.blob(cid)!.object_key
    expect(await objectsAt(tack, objectKey)).toEqual([objectKey])
    await pinThroughGateway(tack, key, cid)
    const blocks = await blocksOf(tack, cid)
    // Pinned, its bytes are in Kubo only (files/placement.ts): the object went once the pin was made.
    await expect.poll(() => objectsAt(tack, objectKey), { timeout: GONE_TIMEOUT_MS, interval: 100 }).toEqual([])

    expect((await tack.api(`/api/files/${cid}`, { method: 'DELETE', key })).status).toBe(204)
    expect((await fetch(`${tack.url}/api/gateway/${cid}`)).status).toBe(404)
    expect(await objectsAt(tack, objectKey)).toEqual([])
    expect(await tack.core.kubo.client.isPinned(cid)).toBe(false)
    await expect.poll(() => presentCount(tack, blocks), { timeout: GONE_TIMEOUT_MS, interval: 200 }).toBe(0)
    gone.push(...blocks)
  })

  it("a PSA pin's content: blocks collected after the pin object is deleted", async () => {
    const cid = (await node.ipfs(['add', '-Q', '--cid-version=1'], { input: content() })).trim()
    const psa = psaClient(tack, tack.keyFor('del-psa', ['pins:read', 'pins:write']))
    const pin = await psa.add({ cid, name: 'doomed', origins: node.addresses })
    await psa.waitFor(pin.requestid, 'pinned', PIN_TIMEOUT_MS)
    const blocks = await blocksOf(tack, cid)
    expect(await presentCount(tack, blocks)).toBe(blocks.length)

    expect((await psa.call('DELETE', `/pins/${pin.requestid}`)).status).toBe(202)
    // 202: the unpin follows, once the pin's own job (sizing the DAG after it read pinned) lets go of the content.
    await expect.poll(() => tack.core.kubo.client.isPinned(cid), { timeout: GONE_TIMEOUT_MS, interval: 100 }).toBe(false)
    await expect.poll(() => presentCount(tack, blocks), { timeout: GONE_TIMEOUT_MS, interval: 200 }).toBe(0)
    gone.push(...blocks)
  })

  it('content another account still references is served and kept through a GC', async () => {
    const alice = tack.keyFor('share-alice', ['files:read', 'files:write', 'pins:read', 'pins:write'])
    const bob = tack.keyFor('share-bob', ['files:read', 'files:write', 'pins:read', 'pins:write'])

    // The same upload in two accounts; one deletes it.
    const bytes = content()
    const shared = await upload(tack, alice, 'shared.bin', bytes)
    expect(await upload(tack, bob, 'shared-too.bin', bytes)).toBe(shared)
    await pinThroughGateway(tack, alice, shared)
    const sharedBlocks = await blocksOf(tack, shared)
    expect((await tack.api(`/api/files/${shared}`, { method: 'DELETE', key: alice })).status).toBe(204)

    // The same PSA content pinned by two accounts; one deletes its pin object.
    const cid = (await node.ipfs(['add', '-Q', '--cid-version=1'], { input: content() })).trim()
    const [pa, pb] = [psaClient(tack, alice), psaClient(tack, bob)]
    const a = await pa.add({ cid, name: 'shared-pin', origins: node.addresses })
    await pa.waitFor(a.requestid, 'pinned', PIN_TIMEOUT_MS)
    const b = await pb.add({ cid, name: 'shared-pin', origins: node.addresses })
    await pb.waitFor(b.requestid, 'pinned', PIN_TIMEOUT_MS)
    const pinBlocks = await blocksOf(tack, cid)
    expect((await pa.call('DELETE', `/pins/${a.requestid}`)).status).toBe(202)

    // A GC surely runs: a third upload is deleted, and we wait for its blocks to go.
    const other = await upload(tack, alice, 'trigger.bin', content())
    await pinThroughGateway(tack, alice, other)
    const otherBlocks = await blocksOf(tack, other)
    expect((await tack.api(`/api/files/${other}`, { method: 'DELETE', key: alice })).status).toBe(204)
    await expect.poll(() => presentCount(tack, otherBlocks), { timeout: GONE_TIMEOUT_MS, interval: 200 }).toBe(0)
    gone.push(...otherBlocks)

    expect(await presentCount(tack, sharedBlocks)).toBe(sharedBlocks.length)
    expect(await presentCount(tack, pinBlocks)).toBe(pinBlocks.length)
    expect(await tack.core.kubo.client.isPinned(shared)).toBe(true)
    expect(await tack.core.kubo.client.isPinned(cid)).toBe(true)
    // Bob's upload is still pinned: its bytes stay in Kubo only.
    expect(tack.core.files.repo.blob(shared)?.location).toBe('kubo')
    const served = await fetch(`${tack.url}/api/gateway/${shared}`)
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true)
    expect((await fetch(`${tack.url}/api/gateway/${cid}`)).status).toBe(200)
    kept.push(...sharedBlocks, ...pinBlocks)
  })

  it("the stopped repo, read by Kubo's CLI: deleted blocks are gone, shared ones are there", async () => {
    expect(gone.length).toBeGreaterThan(0)
    expect(kept.length).toBeGreaterThan(0)
    await tack.stop()
    const repo = join(tack.dataDir, 'kubo')
    for (const cid of kept) expect(await blockStatOffline(repo, cid), cid).toMatchObject({ code: 0 })
    for (const cid of gone) {
      const result = await blockStatOffline(repo, cid)
      expect(result.code, cid).not.toBe(0)
      expect(result.stderr).toMatch(/not found|block was not found/i)
    }
  })
})

describe('a collection pending at stop', () => {
  it('still runs after the next start', async () => {
    // A delay far beyond the test: the run can only come from the due time remembered across the restart.
    const first = await startTack({ config: { gcDelayMs: 10 * 60_000 } })
    let second: TestTack | undefined
    try {
      const key = first.adminKey
      const cid = await upload(first, key, 'pending.bin', content())
      await pinThroughGateway(first, key, cid)
      const blocks = await blocksOf(first, cid)
      expect((await first.api(`/api/files/${cid}`, { method: 'DELETE', key })).status).toBe(204)
      await first.stop()
      expect(await blockStatOffline(join(first.dataDir, 'kubo'), blocks[0]!)).toMatchObject({ code: 0 })

      second = await startTack({ dataDir: first.dataDir, config: { gcDelayMs: GC_DELAY_MS } })
      const restarted = second
      await expect.poll(() => presentCount(restarted, blocks), { timeout: GONE_TIMEOUT_MS, interval: 200 }).toBe(0)
    } finally {
      await second?.stop()
      await first.destroy()
    }
  })
})

async function objectsAt(tack: TestTack, key: string): Promise<string[]> {
  const found: string[] = []
  for await (const k of tack.core.objectStorage.store.list(key)) found.push(k)
  return found
}
