// The gateway never leaves the CID it was asked for, against a real Tack (real Kubo, MinIO, SQLite).
// Requests go out through node:http with the path exactly as spelled (fetch would resolve `..` first):
// every spelling of a dot segment, backslash, NUL or encoded slash is refused with a PSA Failure, content
// whose pin was deleted never comes back, Kubo's `/routing/v1` and `/api/v0` are out of reach, while
// ordinary files in folders still serve and every sub-path gets its own ETag.
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { psaClient, type PsaClient } from './fixtures/psa.js'

let tack: TestTack
let alice: PsaClient
let bob: PsaClient
let bobKey: string
/** Pinned by alice, then deleted: its bytes must never be served again. */
let deleted: { cid: string; marker: string }
/** In Kubo's store, never pinned by anyone. */
let stray: { cid: string; marker: string }
/** A folder bob uploaded. */
let folder: string
/** A folder only Kubo holds, pinned by bob through the PSA (served from Kubo's gateway). */
let kuboDir: string

const IDENTITY = 'bafkqaaa' // the empty identity CID: pinnable by anyone, in no time

interface Raw {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** GET with the path sent byte for byte as written. */
function raw(path: string, headers: Record<string, string> = {}): Promise<Raw> {
  const { hostname, port } = new URL(tack.url)
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Adds bytes to Tack's Kubo without pinning them (raw leaves: the block is the bytes). */
async function addToKubo(text: string, args: Record<string, string> = {}): Promise<string> {
  const form = new FormData()
  form.append('file', new Blob([text]))
  const res = await tack.core.kubo.client.call(
    'add',
    { 'cid-version': '1', 'raw-leaves': 'true', pin: 'false', quiet: 'true', ...args },
    { body: form },
  )
  return ((await res.json()) as { Hash: string }).Hash
}

/** Adds a folder `dir` with these files to Tack's Kubo, unpinned; its CID. */
async function addFolderToKubo(files: Record<string, string>): Promise<string> {
  async function* entries() {
    yield { path: 'dir' }
    for (const [name, text] of Object.entries(files))
      yield {
        path: `dir/${name}`,
        content: (async function* () {
          yield new TextEncoder().encode(text)
        })(),
      }
  }
  const added = await tack.core.kubo.client.add(entries())
  return added.find((e) => e.Name === 'dir')!.Hash
}

/** A PSA Failure with one of these statuses and none of the markers' bytes. */
function expectRefused(res: Raw, path: string, markers: string[], statuses = [400, 404]) {
  expect(statuses, `${path} → ${res.status} ${res.body.toString().slice(0, 200)}`).toContain(res.status)
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/)
  const body = JSON.parse(res.body.toString()) as { error: { reason: string; details: string } }
  expect(body.error.reason).toMatch(/^[A-Z_]+$/)
  expect(typeof body.error.details).toBe('string')
  for (const marker of markers) expect(res.body.includes(marker), `${path} leaked ${marker}`).toBe(false)
}

beforeAll(async () => {
  tack = await startTack()
  alice = psaClient(tack, tack.keyFor('alice', ['pins:read', 'pins:write']))
  bobKey = tack.keyFor('bob')
  bob = psaClient(tack, bobKey)

  const deletedMarker = `deleted-${randomBytes(8).toString('hex')}`
  deleted = { cid: await addToKubo(deletedMarker), marker: deletedMarker }
  const strayMarker = `stray-${randomBytes(8).toString('hex')}`
  stray = { cid: await addToKubo(strayMarker), marker: strayMarker }

  // alice pins, the gateway serves it, alice deletes the pin.
  const pin = await alice.add({ cid: deleted.cid })
  await alice.waitFor(pin.requestid, 'pinned')
  expect((await raw(`/api/gateway/${deleted.cid}`)).body.toString()).toBe(deleted.marker)
  expect((await alice.call('DELETE', `/pins/${pin.requestid}`)).status).toBe(202)

  // bob holds the identity CID, so `bafkqaaa/...` reaches the part of the gateway that asks Kubo.
  await bob.waitFor((await bob.add({ cid: IDENTITY })).requestid, 'pinned')
  kuboDir = await addFolderToKubo({ 'x.txt': 'x in kubo', 'y.txt': 'y in kubo' })
  await bob.waitFor((await bob.add({ cid: kuboDir })).requestid, 'pinned')

  const form = new FormData()
  form.append('file', new Blob(['hello']), 'pub/hello.txt')
  form.append('file', new Blob(['deep']), 'pub/sub/deep.txt')
  form.append('file', new Blob(['dots']), 'pub/sub/a..b.txt')
  form.append('file', new Blob(['percent']), 'pub/100%.txt')
  const res = await tack.api('/api/files', { method: 'POST', body: form, key: bobKey })
  expect(res.status, await res.clone().text()).toBe(201)
  folder = ((await res.json()) as { directory: { cid: string } }).directory.cid
}, 120_000)
afterAll(() => tack?.destroy())

// Each spelling climbs out of its base; the target CID follows it.
const CLIMBS = [
  '../',
  '%2e%2e/',
  '%2E%2e/',
  '.%2e/',
  '%2e./',
  '..%2f',
  '..%2F',
  '%2e%2e%2f',
  './../',
  '.%2f..%2f',
  '%252e%252e/',
  '%252e%252e%252f',
  '%25252e%25252e/',
  '..\\',
  '..%5c',
  '%2e%2e%5c',
  '%255c..%255c',
  '%00/../',
  '..%00/',
  '..//',
  '//../',
  '.%2e//',
  'x/../../',
  'sub/%2e%2e/%2e%2e/',
]

describe('the gateway stays inside the CID', () => {
  it('serves deleted content nowhere: not at its own CID, not through any climb', async () => {
    expectRefused(await raw(`/api/gateway/${deleted.cid}`), deleted.cid, [deleted.marker])
    expectRefused(await raw(`/api/gateway/${stray.cid}`), stray.cid, [stray.marker])
    const markers = [deleted.marker, stray.marker]
    for (const base of [IDENTITY, folder, kuboDir])
      for (const climb of CLIMBS)
        for (const target of [deleted.cid, stray.cid])
          for (const query of ['', '?format=raw', '?format=car']) {
            const path = `/api/gateway/${base}/${climb}${target}${query}`
            // 400 at the door: the path never got as far as a lookup, let alone Kubo.
            expectRefused(await raw(path), path, markers, [400])
          }
  }, 120_000)

  it('refuses backslashes, NUL and encoded empty segments with 400', async () => {
    for (const tail of ['a\\b', '%5c', '%5C', 'x%00', '%2500', '%2f', 'x%2f%2fy', '%2fx', '.', '..', '%2e', '%252e'])
      for (const base of [IDENTITY, folder]) {
        const path = `/api/gateway/${base}/${tail}`
        const res = await raw(path)
        expectRefused(res, path, [], [400])
        expect(JSON.parse(res.body.toString()).error.reason).toBe('BAD_REQUEST')
      }
    for (const cid of [`${IDENTITY}%2f..%2f${stray.cid}`, '%2e%2e', '..%5c']) {
      const res = await raw(`/api/gateway/${cid}`)
      expectRefused(res, cid, [stray.marker])
    }
  })

  it("never reaches Kubo's routing API or RPC", async () => {
    const tails = [
      `../../routing/v1/providers/${stray.cid}`,
      '%2e%2e/%2e%2e/routing/v1/peers/12D3KooWAbc',
      '..%2f..%2frouting%2fv1%2fproviders%2f' + stray.cid,
      '../../api/v0/id',
      '%2e%2e/%2e%2e/api/v0/id',
      '%252e%252e/%252e%252e/api/v0/cat?arg=' + stray.cid,
      '..\\..\\api\\v0\\id',
      `../../ipns/${stray.cid}`,
    ]
    for (const base of [IDENTITY, folder, kuboDir])
      for (const tail of tails) {
        const path = `/api/gateway/${base}/${tail}`
        const res = await raw(path)
        expectRefused(res, path, [stray.marker, 'Providers', '"ID"', 'AgentVersion'], [400])
      }
  })

  it('still serves files in folders, odd but honest names included', async () => {
    const cases: Array<[string, string]> = [
      [`${folder}/hello.txt`, 'hello'],
      [`${folder}/sub/deep.txt`, 'deep'],
      [`${folder}/sub/a..b.txt`, 'dots'],
      [`${folder}/100%25.txt`, 'percent'],
      [`${folder}//sub///deep.txt`, 'deep'],
      [`${kuboDir}/x.txt`, 'x in kubo'],
      [`${kuboDir}/y.txt`, 'y in kubo'],
    ]
    for (const [path, text] of cases) {
      const res = await raw(`/api/gateway/${path}`)
      expect(res.status, `${path} → ${res.status} ${res.body.toString().slice(0, 200)}`).toBe(200)
      expect(res.body.toString()).toBe(text)
    }
    const listing = await raw(`/api/gateway/${folder}/sub`)
    expect(listing.status).toBe(200)
    expect(listing.body.toString()).toContain('deep.txt')
  })

  it('gives every sub-path and format its own ETag, and 304 only for that one', async () => {
    const paths = [
      kuboDir,
      `${kuboDir}/x.txt`,
      `${kuboDir}/y.txt`,
      `${kuboDir}/x.txt?format=raw`,
      folder,
      `${folder}/sub`,
      `${folder}/hello.txt`,
      `${folder}/sub/deep.txt`,
      `${folder}/hello.txt?format=raw`,
    ]
    const etags = new Map<string, string>()
    for (const path of paths) {
      const res = await raw(`/api/gateway/${path}`)
      expect(res.status, path).toBe(200)
      etags.set(path, String(res.headers.etag))
      expect(res.headers['cache-control']).toContain('immutable')
    }
    expect(new Set(etags.values()).size).toBe(paths.length)
    expect(etags.get(`${kuboDir}/x.txt`)).toContain(`${kuboDir}/x.txt`)
    const x = etags.get(`${kuboDir}/x.txt`)!
    expect((await raw(`/api/gateway/${kuboDir}/x.txt`, { 'if-none-match': x })).status).toBe(304)
    expect((await raw(`/api/gateway/${kuboDir}/y.txt`, { 'if-none-match': x })).status).toBe(200)
    expect((await raw(`/api/gateway/${kuboDir}/x.txt`, { 'if-none-match': etags.get(kuboDir)! })).status).toBe(200)
  })

  it('serves CIDs with long multihashes (sha2-512, blake2b-512)', async () => {
    for (const hash of ['sha2-512', 'blake2b-512']) {
      const text = `long hash ${hash} ${randomBytes(4).toString('hex')}`
      const cid = await addToKubo(text, { hash })
      expect(cid.length).toBeGreaterThan(100)
      await bob.waitFor((await bob.add({ cid })).requestid, 'pinned')
      const res = await raw(`/api/gateway/${cid}`)
      expect(res.status, `${hash}: ${res.status} ${res.body.toString().slice(0, 200)}`).toBe(200)
      expect(res.body.toString()).toBe(text)
    }
  })
})
