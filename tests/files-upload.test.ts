// Uploads against a real Tack (Kubo + MinIO + SQLite): CIDs equal to real Kubo's `ipfs add --cid-version=1`,
// records, listing, delete, quotas, and nothing left behind by a client that goes away mid-upload.
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { waitFor } from './fixtures/processes.js'
import { tempDir } from './fixtures/tmp.js'

const KiB = 1024
const MiB = 1024 * KiB

let tack: TestTack
let kubo: KuboTestNode

beforeAll(async () => {
  ;[tack, kubo] = await Promise.all([startTack(), startKuboNode()])
})
afterAll(async () => {
  await Promise.all([tack?.destroy(), kubo?.stop()])
})

const put = (name: string, body: RequestInit['body'], key?: string, query = '') =>
  tack.api(`/api/files?name=${encodeURIComponent(name)}${query}`, { method: 'PUT', body, key })

async function kuboCid(bytes: Buffer): Promise<string> {
  return (await kubo.ipfs(['add', '--cid-version=1', '-Q', '--only-hash'], { input: bytes })).trim()
}

async function objectKeys(): Promise<string[]> {
  const keys: string[] = []
  for await (const key of tack.core.objectStorage.store.list('uploads/')) keys.push(key)
  return keys
}

describe('uploads', () => {
  it('gives the CIDs real Kubo gives, at every chunk and layout boundary', async () => {
    const sizes = [0, 1, 256 * KiB, 256 * KiB + 1, 174 * 256 * KiB + 1]
    for (const size of sizes) {
      const bytes = randomBytes(size)
      const res = await put(`f-${size}.bin`, bytes)
      expect(res.status, await res.clone().text()).toBe(201)
      const record = (await res.json()) as { cid: string; size: number; state: string; name: string }
      expect(record.cid, `size ${size}`).toBe(await kuboCid(bytes))
      expect(record).toMatchObject({ size, state: 'stored', name: `f-${size}.bin` })
    }
    expect(((await put('hello.txt', 'hello world').then((r) => r.json())) as { cid: string }).cid).toBe(
      'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e',
    )
  })

  it('streams 50 MiB of random bytes to the same CID as Kubo and serves them back identical', async () => {
    const bytes = randomBytes(50 * MiB)
    const record = (await put('big.bin', bytes).then((r) => r.json())) as { cid: string; gatewayUrl: string }
    expect(record.cid).toBe(await kuboCid(bytes))
    const served = Buffer.from(await (await fetch(record.gatewayUrl)).arrayBuffer())
    expect(served.equals(bytes)).toBe(true)
  })

  it('gives a folder the CID of `ipfs add -r --cid-version=1` and keeps its paths', async () => {
    const dir = tempDir()
    const files: Record<string, Buffer> = {
      'site/index.html': Buffer.from('<!doctype html><h1>hi</h1>'),
      // Not one byte: the boundary test above uploads one random byte, and the same content already in the
      // account is that earlier row (without this folder's path); with 'a' that happened 1 run in 256.
      'site/a.txt': Buffer.from('a, in the site'),
      'site/img/b.bin': randomBytes(300 * KiB),
      'site/img/deep/c.txt': Buffer.from('c, deep down'),
    }
    const form = new FormData()
    for (const [path, bytes] of Object.entries(files)) {
      mkdirSync(join(dir.path, path, '..'), { recursive: true })
      writeFileSync(join(dir.path, path), bytes)
      form.append('file', new Blob([bytes]), path)
    }
    const expected = (
      await kubo.ipfs(['add', '-r', '--cid-version=1', '-Q', '--only-hash', join(dir.path, 'site')])
    ).trim()
    dir.remove()
    const res = await tack.api('/api/files', { method: 'POST', body: form })
    expect(res.status, await res.clone().text()).toBe(201)
    const body = (await res.json()) as {
      files: Array<{ cid: string; path: string; name: string }>
      directory: { cid: string; name: string }
    }
    expect(body.directory).toEqual({ cid: expected, name: 'site' })
    expect(body.files.map((f) => f.path).sort()).toEqual(Object.keys(files).sort())
    expect(body.files.find((f) => f.path === 'site/a.txt')?.name).toBe('a.txt')
    const listing = await fetch(`${tack.url}/api/gateway/${expected}/img`)
    expect(await listing.text()).toContain('b.bin')
    const index = await fetch(`${tack.url}/api/gateway/${expected}`)
    expect(await index.text()).toBe('<!doctype html><h1>hi</h1>')
    const deep = await fetch(`${tack.url}/api/gateway/${expected}/img/deep/c.txt`)
    expect(await deep.text()).toBe('c, deep down')
  })

  it('lists, filters, sorts and paginates the account’s records, and deletes them', async () => {
    const key = tack.keyFor('lister')
    for (const name of ['b-one.txt', 'a-two.txt', 'c-three.txt']) await put(name, `content of ${name}`, key)
    const list = async (q: string) =>
      (await (await tack.api(`/api/files?${q}`, { key })).json()) as {
        count: number
        results: Array<{ name: string; cid: string }>
      }
    expect((await list('sort=name&order=asc')).results.map((r) => r.name)).toEqual([
      'a-two.txt',
      'b-one.txt',
      'c-three.txt',
    ])
    expect((await list('q=TWO')).results.map((r) => r.name)).toEqual(['a-two.txt'])
    const page = await list('sort=name&order=asc&limit=1&offset=1')
    expect(page).toMatchObject({ count: 3, results: [{ name: 'b-one.txt' }] })
    expect((await tack.api('/api/files?limit=0', { key })).status).toBe(400)
    const cid = page.results[0]!.cid
    expect((await tack.api(`/api/files/${cid}`, { key })).status).toBe(200)
    // Another account never sees it.
    expect((await tack.api(`/api/files/${cid}`, { key: tack.keyFor('other') })).status).toBe(404)
    expect((await tack.api(`/api/files/${cid}`, { key, method: 'DELETE' })).status).toBe(204)
    expect((await list('')).count).toBe(2)
    expect((await fetch(`${tack.url}/api/gateway/${cid}`)).status).toBe(404)
  })

  it('refuses an upload over the quota with 409, up front and mid-stream, leaving nothing behind', async () => {
    const accounts = tack.core.state.accounts
    const small = accounts.create('small', 1 * MiB)
    const key = tack.core.state.keys.create({ accountId: small.id, name: 'k' }).secret
    const before = await objectKeys()
    const upFront = await put('too-big.bin', randomBytes(2 * MiB), key)
    expect(upFront.status).toBe(409)
    expect(((await upFront.json()) as { error: { reason: string } }).error.reason).toBe('INSUFFICIENT_FUNDS')
    // No Content-Length: the stream is cut when it passes the quota.
    const chunks = (async function* () {
      for (let i = 0; i < 8; i++) yield randomBytes(512 * KiB)
    })()
    const midStream = await tack.api('/api/files?name=stream.bin', {
      method: 'PUT',
      key,
      body: chunks as never,
      duplex: 'half',
    } as RequestInit)
    expect(midStream.status).toBe(409)
    const list = (await (await tack.api('/api/files', { key })).json()) as { count: number }
    expect(list.count).toBe(0)
    await waitFor(async () => (await objectKeys()).every((k) => before.includes(k)), 'staged objects to be removed')
    const me = (await (await tack.api('/api/accounts/me', { key })).json()) as { usage: number; quota: number }
    expect(me).toMatchObject({ usage: 0, quota: MiB })
    expect((await put('fits.bin', randomBytes(1000), key)).status).toBe(201)
    expect(((await (await tack.api('/api/accounts/me', { key })).json()) as { usage: number }).usage).toBe(1000)
  })

  it('pins only bytes Kubo hashes to the CID: an object changed in the store fails its pin', async () => {
    // Stored bytes are checked by their CID, which Kubo recomputes before pinning them; the bundled MinIO
    // keeps no MD5 of them (--no-compat, see object-store/minio.ts).
    const bytes = randomBytes(300 * KiB)
    const { cid } = (await put('swapped.bin', bytes).then((r) => r.json())) as { cid: string }
    const objectKey = tack.core.files.repo.blob(cid)!.object_key
    const swapped = tack.core.objectStorage.store.writer(objectKey, bytes.length)
    await swapped.write(randomBytes(bytes.length))
    await swapped.finish()
    await expect(tack.core.files.pinner.ensurePinned(cid)).rejects.toThrow(`for the bytes of ${cid}`)
    expect(tack.core.files.repo.stateOf(cid)).toBe('failed')
    expect(await tack.core.kubo.client.isPinned(cid)).toBe(false)
  })

  it('lists nothing and keeps no object when the client disconnects mid-upload', async () => {
    const key = tack.keyFor('quitter')
    const before = await objectKeys()
    const abort = new AbortController()
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= 20 * MiB) {
          abort.abort()
          return new Promise(() => {})
        }
        sent += MiB
        controller.enqueue(randomBytes(MiB))
      },
    })
    await tack
      .api('/api/files?name=cut.bin', { method: 'PUT', key, body, signal: abort.signal, duplex: 'half' } as RequestInit)
      .catch(() => undefined)
    // No object that was not there before (earlier pinned uploads' objects may leave meanwhile: one copy).
    await waitFor(
      async () =>
        (await objectKeys()).every((k) => before.includes(k)) && tack.core.files.repo.pendingKeys().length === 0,
      'cleanup',
    )
    const list = (await (await tack.api('/api/files', { key })).json()) as { count: number }
    expect(list.count).toBe(0)
  })
})
