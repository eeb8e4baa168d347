// One copy of every byte (issue 26, files/placement.ts), against a real core: a pinned upload's bytes live
// in Kubo only (the object store holds no object for them, and the data dir grows by about the bytes
// uploaded, not twice); unpinning a file the user keeps, or deleting the public twin of a private record,
// brings the bytes back into the store before Kubo lets them go; a delete removes them everywhere.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { paths } from '../src/main/core/state.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { KUBO_POLL } from './fixtures/poll.js'

interface FileJson {
  cid: string
  state: string
}

/** Bytes allocated on disk under a directory (du counts blocks, not apparent sizes). */
const diskBytes = (dir: string) => Number(execFileSync('du', ['-s', '--block-size=1', dir]).toString().split('\t')[0])
/** Everything on disk, MinIO's trash included: Tack's removals free the bytes at once (object-store/store.ts). */
const heldBytes = (dirs: { minioData: string; kuboRepo: string }) =>
  diskBytes(dirs.minioData) + diskBytes(dirs.kuboRepo)

/** Every object in the bucket. */
async function objects(tack: TestTack): Promise<string[]> {
  const keys: string[] = []
  for await (const key of tack.core.objectStorage.store.list('')) keys.push(key)
  return keys
}

/** The object key of a blob while its bytes are in the store, else undefined. */
const storedKey = (tack: TestTack, cid: string) => {
  const blob = tack.core.files.repo.blob(cid)
  return blob?.location === 'store' ? blob.object_key : undefined
}

async function readObject(tack: TestTack, key: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of await tack.core.objectStorage.store.read(key)) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function upload(tack: TestTack, name: string, bytes: Buffer, query = '', key?: string): Promise<FileJson> {
  const res = await tack.api(`/api/files?name=${name}${query}`, { method: 'PUT', body: bytes, key })
  expect(res.status).toBe(201)
  return (await res.json()) as FileJson
}

async function gatewayBytes(tack: TestTack, cid: string): Promise<Buffer> {
  const res = await fetch(`${tack.url}/api/gateway/${cid}`)
  expect(res.status).toBe(200)
  return Buffer.from(await res.arrayBuffer())
}

describe('one copy of every byte', () => {
  let tack: TestTack
  beforeAll(async () => {
    tack = await startTack()
  })
  afterAll(async () => {
    await tack?.destroy()
  })

  it('pinned uploads live in Kubo only: no object, byte-identical reads, disk ≈ logical bytes', async () => {
    const dirs = paths(tack.dataDir)
    const baseline = heldBytes(dirs)
    // A few MiB in sizes that cover one block, many blocks and the small-file cache.
    const files = [4 * 1024 * 1024, 2 * 1024 * 1024 + 7, 1024 * 1024, 300 * 1024, 20 * 1024].map((n) => randomBytes(n))
    const logical = files.reduce((a, f) => a + f.length, 0)
    const cids: string[] = []
    for (const [i, bytes] of files.entries()) {
      const row = await upload(tack, `f${i}.bin`, bytes, '&pin=true')
      expect(row.state).toBe('pinned')
      cids.push(row.cid)
    }
    for (const cid of cids) {
      expect(await tack.core.kubo.client.isPinned(cid)).toBe(true)
      expect(tack.core.files.repo.blob(cid)?.location).toBe('kubo')
    }
    expect(await objects(tack)).toEqual([])
    for (const [i, cid] of cids.entries()) expect((await gatewayBytes(tack, cid)).equals(files[i]!)).toBe(true)
    // A range of a large one, from Kubo.
    const ranged = await fetch(`${tack.url}/api/gateway/${cids[0]}`, { headers: { range: 'bytes=1000-1999' } })
    expect(ranged.status).toBe(206)
    expect(Buffer.from(await ranged.arrayBuffer()).equals(files[0]!.subarray(1000, 2000))).toBe(true)
    const ratio = (heldBytes(dirs) - baseline) / logical
    expect(ratio).toBeGreaterThanOrEqual(1)
    expect(ratio).toBeLessThanOrEqual(1.1)
  })

  it('a folder pinned: its entries leave the store and are served from Kubo', async () => {
    const a = randomBytes(700 * 1024)
    const b = randomBytes(5000)
    const form = new FormData()
    form.append('file', new Blob([a]), 'site/a.bin')
    form.append('file', new Blob([b]), 'site/sub/b.txt')
    const res = await tack.api('/api/files?pin=true', { method: 'POST', body: form })
    expect(res.status).toBe(201)
    const { directory } = (await res.json()) as { directory: FileJson }
    const row = (await (await tack.api(`/api/files/${directory.cid}`)).json()) as FileJson
    expect(row.state).toBe('pinned')
    expect(await objects(tack)).toEqual([])
    const read = async (path: string) =>
      Buffer.from(await (await fetch(`${tack.url}/api/gateway/${directory.cid}/${path}`)).arrayBuffer())
    expect((await read('a.bin')).equals(a)).toBe(true)
    expect((await read('sub/b.txt')).equals(b)).toBe(true)
  })

  it('unpinning a kept file brings its bytes back into the store, and Kubo lets them go', async () => {
    const bytes = randomBytes(900 * 1024)
    const { cid } = await upload(tack, 'kept.bin', bytes, '&pin=true')
    expect(storedKey(tack, cid)).toBeUndefined()
    const res = await tack.api(`/api/files/${cid}/pin`, { method: 'DELETE' })
    expect(res.status).toBe(200)
    await expect.poll(() => tack.core.kubo.client.isPinned(cid), KUBO_POLL).toBe(false)
    const key = storedKey(tack, cid)
    expect(key).toBeDefined()
    expect((await readObject(tack, key!)).equals(bytes)).toBe(true)
    expect(await objects(tack)).toEqual([key])
    // Still served (from the store now; the read pins it again, on demand, and the object goes again).
    expect((await gatewayBytes(tack, cid)).equals(bytes)).toBe(true)
    await expect.poll(() => storedKey(tack, cid), KUBO_POLL).toBeUndefined()
    expect(await objects(tack)).toEqual([])
  })

  it('a private record whose public twin is deleted keeps its bytes, in the store and not in Kubo', async () => {
    const bytes = randomBytes(600 * 1024)
    const other = tack.keyFor('twin', ['files:read', 'files:write', 'pins:read', 'pins:write'])
    const { cid } = await upload(tack, 'public.bin', bytes, '&pin=true')
    await upload(tack, 'private.bin', bytes, '&private=true', other)
    // The private record's bytes are the public pin's: held once, in Kubo.
    expect(storedKey(tack, cid)).toBeUndefined()
    expect((await tack.api(`/api/files/${cid}`, { method: 'DELETE' })).status).toBe(204)
    await expect.poll(() => tack.core.kubo.client.isPinned(cid), KUBO_POLL).toBe(false)
    const key = storedKey(tack, cid)
    expect(key).toBeDefined()
    expect((await readObject(tack, key!)).equals(bytes)).toBe(true)
    // The private record serves them through a signed link.
    const link = await tack.api(`/api/files/${cid}/links`, {
      method: 'POST',
      key: other,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ expiresIn: 60 }),
    })
    expect(link.status).toBe(201)
    const { url } = (await link.json()) as { url: string }
    const signed = await fetch(url)
    expect(signed.status).toBe(200)
    expect(Buffer.from(await signed.arrayBuffer()).equals(bytes)).toBe(true)
    expect((await tack.api(`/api/files/${cid}`, { method: 'DELETE', key: other })).status).toBe(204)
    await expect.poll(() => objects(tack), KUBO_POLL).toEqual([])
  })

  it('a delete removes a pinned upload everywhere', async () => {
    const { cid } = await upload(tack, 'gone.bin', randomBytes(500 * 1024), '&pin=true')
    expect((await tack.api(`/api/files/${cid}`, { method: 'DELETE' })).status).toBe(204)
    await expect.poll(() => tack.core.kubo.client.isPinned(cid), KUBO_POLL).toBe(false)
    expect(tack.core.files.repo.blob(cid)).toBeUndefined()
    expect(await objects(tack)).toEqual([])
    expect((await fetch(`${tack.url}/api/gateway/${cid}`)).status).toBe(404)
  })
})
