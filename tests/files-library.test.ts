// The library as one model, against a real Tack (Kubo + MinIO + SQLite): a folder upload is one entry of
// `GET /api/files` (type "directory", the CID of `ipfs add -r --cid-version=1`) found by its name and by any
// part of a path inside it; a file's state follows its pin objects both ways (a pin removed through the
// Pinning API makes Files say stored and Kubo let go; Files pins and unpins); deleting says what goes and
// takes a folder's own files along; quota refusals in plain words.
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { waitFor } from './fixtures/processes.js'
import { tempDir } from './fixtures/tmp.js'

const KiB = 1024

let tack: TestTack
let kubo: KuboTestNode

beforeAll(async () => {
  ;[tack, kubo] = await Promise.all([startTack(), startKuboNode()])
})
afterAll(async () => {
  await Promise.all([tack?.destroy(), kubo?.stop()])
})

interface Entry {
  cid: string
  type: 'file' | 'directory'
  name: string
  state: string
  size: number
}

async function uploadFolder(key: string, files: Record<string, Buffer>) {
  const dir = tempDir()
  const form = new FormData()
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(dir.path, path, '..'), { recursive: true })
    writeFileSync(join(dir.path, path), bytes)
    form.append('file', new Blob([bytes]), path)
  }
  const root = Object.keys(files)[0]!.split('/')[0]!
  const expected = (await kubo.ipfs(['add', '-r', '--cid-version=1', '-Q', '--only-hash', join(dir.path, root)])).trim()
  dir.remove()
  expect(expected).toMatch(/^bafy/)
  const res = await tack.api('/api/files', { method: 'POST', body: form, key })
  expect(res.status, await res.clone().text()).toBe(201)
  return expected
}

const list = async (key: string, q = '') =>
  (await (await tack.api(`/api/files?${q}`, { key })).json()) as { count: number; results: Entry[] }

describe('the library', () => {
  it('lists a folder as one entry with its own CID, found by its name and by any part of a path in it', async () => {
    const key = tack.keyFor('folders')
    const cid = await uploadFolder(key, {
      'album/sub/a.txt': Buffer.from('a'),
      'album/sub/deeper/b.bin': randomBytes(40 * KiB),
      'album/cover.txt': Buffer.from('cover'),
    })
    await tack.api('/api/files?name=lone.txt', { method: 'PUT', body: 'lone', key })
    const all = await list(key)
    expect(all.count).toBe(2)
    expect(all.results.map((r) => [r.name, r.type]).sort()).toEqual([
      ['album', 'directory'],
      ['lone.txt', 'file'],
    ])
    const folder = all.results.find((r) => r.type === 'directory')!
    expect(folder).toMatchObject({ cid, state: 'stored', size: 1 + 40 * KiB + 5 })
    for (const q of ['album', 'ALB', 'sub/a.txt', 'deeper', 'b.bin', 'cover'])
      expect(
        (await list(key, `q=${encodeURIComponent(q)}`)).results.map((r) => r.cid),
        q,
      ).toEqual([cid])
    expect((await list(key, 'q=lone')).results.map((r) => r.name)).toEqual(['lone.txt'])
    expect((await list(key, 'q=nothing-like-this')).count).toBe(0)

    const detail = (await (await tack.api(`/api/files/${cid}`, { key })).json()) as {
      type: string
      entries: Array<{ path: string; gatewayUrl: string }>
      removal: { files: number; pins: number }
    }
    expect(detail.type).toBe('directory')
    expect(detail.entries.map((e) => e.path)).toEqual(['cover.txt', 'sub/a.txt', 'sub/deeper/b.bin'])
    expect(detail.removal).toMatchObject({ files: 3, pins: 0 })
    expect(await (await fetch(detail.entries[1]!.gatewayUrl)).text()).toBe('a')

    // Deleting the folder takes its files along: nothing hidden stays behind, in the list or the store.
    expect((await tack.api(`/api/files/${cid}`, { method: 'DELETE', key })).status).toBe(204)
    expect((await list(key)).results.map((r) => r.name)).toEqual(['lone.txt'])
    const owner = tack.core.state.accounts.list().find((a) => a.name === 'folders')!
    expect(
      tack.core.files.repo.list({ accountId: owner.id, limit: 100, offset: 0, sort: 'name', order: 'asc', q: 'a.txt' })
        .count,
    ).toBe(0)
    expect(tack.core.files.usageOf(owner.id)).toBe(4)
  })

  it("keeps a file's state and its pin objects in step, both ways", async () => {
    const key = tack.keyFor('pinner')
    const bytes = randomBytes(8 * KiB)
    const put = await tack.api('/api/files?name=kept.bin&pin=true', { method: 'PUT', body: bytes, key })
    expect(put.status).toBe(201)
    const { cid, state } = (await put.json()) as Entry
    expect(state).toBe('pinned')
    expect(await tack.core.kubo.client.isPinned(cid)).toBe(true)
    const pins = async () =>
      ((await (await tack.api('/api/pinning/pins', { key })).json()) as { results: Array<{ requestid: string }> })
        .results
    const [pin] = await pins()
    expect(pin).toBeDefined()
    const detail = (await (await tack.api(`/api/files/${cid}`, { key })).json()) as { removal: { pins: number } }
    expect(detail.removal.pins).toBe(1)

    // The pin removed through the Pinning API: Files says stored, and Kubo lets go of it.
    expect((await tack.api(`/api/pinning/pins/${pin!.requestid}`, { method: 'DELETE', key })).status).toBe(202)
    expect((await (await tack.api(`/api/files/${cid}`, { key })).json()) as Entry).toMatchObject({ state: 'stored' })
    await waitFor(async () => !(await tack.core.kubo.client.isPinned(cid)), 'Kubo to unpin it', 15_000)

    // Files pins it again: a pin object appears.
    expect((await tack.api(`/api/files/${cid}/pin`, { method: 'POST', key })).status).toBe(202)
    await waitFor(
      async () => ((await (await tack.api(`/api/files/${cid}`, { key })).json()) as Entry).state === 'pinned',
      'the file to read pinned',
      20_000,
    )
    expect(await pins()).toHaveLength(1)

    // Files unpins it: the pin object goes, the upload stays.
    const unpinned = await tack.api(`/api/files/${cid}/pin`, { method: 'DELETE', key })
    expect(unpinned.status).toBe(200)
    expect(((await unpinned.json()) as Entry).state).toBe('stored')
    expect(await pins()).toHaveLength(0)
    await waitFor(async () => !(await tack.core.kubo.client.isPinned(cid)), 'Kubo to unpin it', 15_000)
    expect((await list(key)).results.map((r) => r.state)).toEqual(['stored'])
    // A key without pins:write cannot unpin through Files.
    const reader = tack.keyFor('pinner', ['files:read', 'files:write'])
    expect((await tack.api(`/api/files/${cid}/pin`, { method: 'DELETE', key: reader })).status).toBe(403)
  })

  it('refuses an upload over the quota in plain words', async () => {
    const small = tack.core.state.accounts.create('tiny', 200 * KiB)
    const key = tack.core.state.keys.create({
      accountId: small.id,
      name: 'k',
      scopes: ['files:read', 'files:write'],
    }).secret
    const upFront = await tack.api('/api/files?name=big.bin', { method: 'PUT', body: randomBytes(300 * KiB), key })
    expect(upFront.status).toBe(409)
    expect(await upFront.json()).toEqual({
      error: { reason: 'INSUFFICIENT_FUNDS', details: 'this upload needs 300 KiB; 200 KiB left of 200 KiB' },
    })
    const form = new FormData()
    form.append('file', new Blob([randomBytes(300 * KiB)]), 'big.bin')
    const streamed = await tack.api('/api/files', { method: 'POST', body: form, key })
    expect(streamed.status).toBe(409)
    expect(((await streamed.json()) as { error: { details: string } }).error.details).toBe(
      'this upload needs more than 200 KiB; 200 KiB left of 200 KiB',
    )
  })
})
