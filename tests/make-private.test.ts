// Making a public, pinned upload private (PATCH /api/files/{cid} {"private": true}) under the one-copy model,
// against a real core (Kubo, MinIO, SQLite): its upload pin goes, its bytes move back to the object store
// before Kubo lets them go (one copy, never none), the open gateway stops serving it, a signed link still
// does, and a GC takes its blocks from Kubo. Refused (409) while a public folder of the account serves it or
// a pin made through the Pinning API keeps it on IPFS; another account's public copy keeps the content pinned.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'

interface FileJson {
  cid: string
  private: boolean
  state: string
}
const json = async <T>(res: Response) => (await res.json()) as T

let tack: TestTack
beforeAll(async () => {
  tack = await startTack()
})
afterAll(async () => {
  await tack?.destroy()
})

const put = async (name: string, bytes: Buffer, query = '', key?: string) => {
  const res = await tack.api(`/api/files?name=${name}${query}`, { method: 'PUT', body: bytes, key })
  expect(res.status).toBe(201)
  return json<FileJson>(res)
}
const patch = (cid: string, body: unknown, key?: string) =>
  tack.api(`/api/files/${cid}`, {
    method: 'PATCH',
    key,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
const pinned = (cid: string) => tack.core.kubo.client.isPinned(cid)
const inStore = async (cid: string) => {
  const blob = tack.core.files.repo.blob(cid)
  if (!blob) return false
  const read = await tack.core.objectStorage.store.read(blob.object_key).catch(() => undefined)
  if (!read) return false
  const chunks: Buffer[] = []
  for await (const c of read) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}
const haveBlock = (cid: string) =>
  tack.core.kubo.client
    .call('block/stat', { arg: cid, offline: 'true' })
    .then(() => true)
    .catch(() => false)

describe('making a pinned upload private', () => {
  it('moves its bytes back to the object store, unpins it, and only signed links serve it', async () => {
    const bytes = randomBytes(700 * 1024)
    const f = await put('public.bin', bytes, '&pin=true')
    await expect.poll(() => pinned(f.cid), { timeout: 30_000 }).toBe(true)
    // One copy: once pinned, the object store no longer has it.
    await expect.poll(() => inStore(f.cid), { timeout: 30_000 }).toBe(false)
    expect((await fetch(`${tack.url}/api/gateway/${f.cid}`)).status).toBe(200)

    const res = await patch(f.cid, { private: true })
    expect(res.status).toBe(200)
    expect(await json<FileJson>(res)).toMatchObject({ cid: f.cid, private: true, state: 'stored' })
    expect((await fetch(`${tack.url}/api/gateway/${f.cid}`)).status).toBe(404)
    await expect.poll(() => pinned(f.cid), { timeout: 30_000 }).toBe(false)
    // Back in the object store, byte for byte, before Kubo let them go.
    const back = await inStore(f.cid)
    expect(back && back.equals(bytes)).toBe(true)
    expect(tack.core.files.repo.blob(f.cid)?.location).toBe('store')
    await tack.core.gc.runNow()
    expect(await haveBlock(f.cid)).toBe(false)

    const link = await tack.api(`/api/files/${f.cid}/links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(link.status).toBe(201)
    const served = await fetch(((await link.json()) as { url: string }).url)
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true)
    // The account's pins of it went with it.
    const pins = await json<{ count: number }>(await tack.api(`/api/pinning/pins?cid=${f.cid}`))
    expect(pins.count).toBe(0)
    // And public again: served, pinned on its next access.
    expect((await patch(f.cid, { private: false })).status).toBe(200)
    expect((await fetch(`${tack.url}/api/gateway/${f.cid}`)).status).toBe(200)
    await expect.poll(() => pinned(f.cid), { timeout: 30_000 }).toBe(true)
  })

  it('of a folder makes its files private with it; a file of a public folder is refused', async () => {
    const form = new FormData()
    form.append('file', new Blob([randomBytes(3000)]), 'pics/a.bin')
    form.append('file', new Blob([randomBytes(3000)]), 'pics/b.bin')
    const res = await tack.api('/api/files?pin=true', { method: 'POST', body: form })
    expect(res.status).toBe(201)
    const { directory, files } = (await res.json()) as { directory: FileJson; files: FileJson[] }
    await expect.poll(() => pinned(directory.cid), { timeout: 30_000 }).toBe(true)
    const refused = await patch(files[0]!.cid, { private: true })
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as { error: { details: string } }).error.details).toMatch(/public folder/)
    expect((await patch(directory.cid, { private: true })).status).toBe(200)
    for (const f of [directory, ...files]) {
      expect(await json<FileJson>(await tack.api(`/api/files/${f.cid}`))).toMatchObject({ private: true })
      expect((await fetch(`${tack.url}/api/gateway/${f.cid}`)).status).toBe(404)
    }
    await expect.poll(() => pinned(directory.cid), { timeout: 30_000 }).toBe(false)
  })

  it('is refused while a pin made through the Pinning API keeps it on IPFS', async () => {
    const f = await put('psa.bin', randomBytes(5000), '&pin=true')
    const psa = await tack.api('/api/pinning/pins', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cid: f.cid, name: 'mine' }),
    })
    expect(psa.status).toBe(202)
    const { requestid } = (await psa.json()) as { requestid: string }
    const res = await patch(f.cid, { private: true })
    expect(res.status).toBe(409)
    expect(((await res.json()) as { error: { details: string } }).error.details).toContain(requestid)
    expect(await json<FileJson>(await tack.api(`/api/files/${f.cid}`))).toMatchObject({ private: false })
  })

  it("keeps the content pinned for another account's public copy", async () => {
    const bytes = randomBytes(9000)
    const bob = tack.keyFor('bob', ['files:read', 'files:write'])
    const mine = await put('shared.bin', bytes, '&pin=true')
    await put('shared.bin', bytes, '&pin=true', bob)
    await expect.poll(() => pinned(mine.cid), { timeout: 30_000 }).toBe(true)
    expect((await patch(mine.cid, { private: true })).status).toBe(200)
    expect(await json<FileJson>(await tack.api(`/api/files/${mine.cid}`))).toMatchObject({ private: true })
    expect(await json<FileJson>(await tack.api(`/api/files/${mine.cid}`, { key: bob }))).toMatchObject({
      private: false,
      state: 'pinned',
    })
    await tack.core.gc.runNow()
    expect(await pinned(mine.cid)).toBe(true)
    expect(await haveBlock(mine.cid)).toBe(true)
  })
})
