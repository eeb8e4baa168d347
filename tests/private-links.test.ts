// Private files and signed links against a real core (Kubo, MinIO, SQLite): a private upload is invisible
// to the open gateway and never reaches Kubo (proved on the stopped repo with Kubo's own CLI); a signed link
// serves its bytes (ranges, HEAD, filename) without a key on the API port and the LAN listener, and answers
// 403 when tampered with or revoked and 410 once expired. One CID private for one account and public for
// another: the public copy is public, the private record stays private.
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { create as digestOf } from 'multiformats/hashes/digest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kuboBinary } from './fixtures/binaries.js'
import { startTack, type TestTack } from './fixtures/core.js'

interface FileJson {
  cid: string
  private: boolean
  state: string
}
interface LinkJson {
  url: string
  lanUrl?: string
  expires: string
}

const json = async <T>(res: Response) => (await res.json()) as T

/** The raw leaves of a file `ipfs add --cid-version=1` chunks at 256 KiB. */
function leafCids(bytes: Buffer): string[] {
  const out: string[] = []
  for (let i = 0; i < bytes.length; i += 262_144) {
    const digest = createHash('sha256')
      .update(bytes.subarray(i, i + 262_144))
      .digest()
    out.push(CID.createV1(0x55, digestOf(0x12, digest)).toString())
  }
  return out
}

function blockStatOffline(repo: string, cid: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(kuboBinary(), ['block', 'stat', '--offline', cid], {
      env: { ...process.env, IPFS_PATH: repo },
      stdio: 'ignore',
    })
    child.on('close', (code) => resolve(code ?? -1))
  })
}

describe('private files and signed links', () => {
  let tack: TestTack
  let other: string
  const secretBytes = randomBytes(600 * 1024)
  let secretCid = ''

  beforeAll(async () => {
    tack = await startTack({ config: { lan: true, lanPort: 0 } })
    other = tack.keyFor('bob', ['files:read', 'files:write'])
    const res = await tack.api('/api/files?name=secret.bin&private=true', { method: 'PUT', body: secretBytes })
    expect(res.status).toBe(201)
    const body = await json<FileJson>(res)
    expect(body).toMatchObject({ private: true, state: 'stored' })
    secretCid = body.cid
    expect(secretCid).toMatch(/^bafy/)
  })
  afterAll(async () => {
    await tack?.destroy()
  })

  const link = async (cid: string, expiresIn?: number, key?: string) => {
    const res = await tack.api(`/api/files/${cid}/links`, {
      method: 'POST',
      key,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(expiresIn === undefined ? {} : { expiresIn }),
    })
    expect(res.status).toBe(201)
    return json<LinkJson>(res)
  }

  it('is 404 on the open gateway, exactly as unknown content', async () => {
    const unknown = CID.createV1(0x55, digestOf(0x12, createHash('sha256').update('nobody has this').digest()))
    const [mine, none] = await Promise.all([
      fetch(`${tack.url}/api/gateway/${secretCid}`),
      fetch(`${tack.url}/api/gateway/${unknown}`),
    ])
    expect(mine.status).toBe(404)
    expect(none.status).toBe(404)
    const [a, b] = [await json<{ error: { reason: string } }>(mine), await json<{ error: { reason: string } }>(none)]
    expect(a.error.reason).toBe(b.error.reason)
    expect((await fetch(`${tack.url}/api/gateway/${secretCid}?format=car`)).status).toBe(404)
  })

  it('answers "private": true and refuses on-demand pinning', async () => {
    expect(await json<FileJson>(await tack.api(`/api/files/${secretCid}`))).toMatchObject({ private: true })
    const list = await json<{ results: FileJson[] }>(await tack.api('/api/files'))
    expect(list.results.find((f) => f.cid === secretCid)?.private).toBe(true)
    // The filter: ?private=true lists only private records, ?private=false only public ones.
    await tack.api('/api/files?name=open.txt', { method: 'PUT', body: 'open' })
    const only = await json<{ results: FileJson[] }>(await tack.api('/api/files?private=true'))
    const none = await json<{ results: FileJson[] }>(await tack.api('/api/files?private=false'))
    expect(only.results.map((f) => f.cid)).toContain(secretCid)
    expect(only.results.every((f) => f.private)).toBe(true)
    expect(none.results.length).toBeGreaterThan(0)
    expect(none.results.some((f) => f.private)).toBe(false)
    const pinNow = await tack.api(`/api/files/${secretCid}/pin`, { method: 'POST' })
    expect(pinNow.status).toBe(409)
    expect((await json<{ error: { reason: string } }>(pinNow)).error.reason).toBe('CONFLICT')
    const both = await tack.api('/api/files?name=x&private=true&pin=true', { method: 'PUT', body: 'x' })
    expect(both.status).toBe(400)
    expect(await tack.core.kubo.client.isPinned(secretCid)).toBe(false)
  })

  it('a multipart private field makes the upload private', async () => {
    const form = new FormData()
    form.append('file', new Blob([randomBytes(1000)]), 'm.bin')
    form.append('private', 'true')
    const res = await tack.api('/api/files', { method: 'POST', body: form })
    expect(res.status).toBe(201)
    const { files } = await json<{ files: FileJson[] }>(res)
    expect(files[0]!.private).toBe(true)
    expect((await fetch(`${tack.url}/api/gateway/${files[0]!.cid}`)).status).toBe(404)
    // With ?pin=true the form is refused once its private field is seen, and nothing of it is kept.
    const pinned = new FormData()
    pinned.append('file', new Blob([randomBytes(1000)]), 'n.bin')
    pinned.append('private', 'true')
    const before = (tack.core.state.db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n
    expect((await tack.api('/api/files?pin=true', { method: 'POST', body: pinned })).status).toBe(400)
    expect((tack.core.state.db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n).toBe(before)
    expect((tack.core.state.db.prepare('SELECT COUNT(*) AS n FROM pending_uploads').get() as { n: number }).n).toBe(0)
  })

  it('a signed link serves identical bytes, ranges, HEAD and a filename without a key', async () => {
    const { url, expires } = await link(secretCid, 120)
    expect(new URL(url).pathname).toBe(`/api/links/${secretCid}`)
    const left = Date.parse(expires) - Date.now()
    expect(left).toBeGreaterThan(100_000)
    expect(left).toBeLessThanOrEqual(121_000)
    expect(expires).toBe(new Date(Date.parse(expires)).toISOString())

    const whole = await fetch(url)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('cache-control')).toBe('private, no-store')
    expect(Buffer.from(await whole.arrayBuffer()).equals(secretBytes)).toBe(true)

    const part = await fetch(url, { headers: { range: 'bytes=300000-300999' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 300000-300999/${secretBytes.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(secretBytes.subarray(300000, 301000))).toBe(true)

    const head = await fetch(url, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(secretBytes.length))
    const named = await fetch(`${url}&filename=report.bin&download=true`)
    expect(named.headers.get('content-disposition')).toContain('attachment; filename="report.bin"')
    await named.arrayBuffer()
  })

  it('works on the LAN listener too, and the default lifetime is one day', async () => {
    const { url, lanUrl, expires } = await link(secretCid)
    expect(Math.abs(Date.parse(expires) - Date.now() - 86_400_000)).toBeLessThan(5_000)
    expect(lanUrl).toBeDefined()
    // The LAN listener answers on this machine's addresses; the same path and query work there.
    const port = new URL(lanUrl!).port
    const res = await fetch(`http://127.0.0.1:${port}${new URL(url).pathname}${new URL(url).search}`)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(secretBytes)).toBe(true)
    // The link management routes are not on the LAN listener.
    const manage = await fetch(`http://127.0.0.1:${port}/api/files/${secretCid}/links`, { method: 'POST' })
    expect(manage.status).toBe(404)
  })

  it('a changed signature, CID or expiry is 403; an expired link 410; out-of-range lifetimes 400', async () => {
    const { url } = await link(secretCid, 60)
    const u = new URL(url)
    const sig = u.searchParams.get('s')!
    const tampered = new URL(u)
    tampered.searchParams.set('s', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1))
    expect((await fetch(tampered)).status).toBe(403)
    const later = new URL(u)
    later.searchParams.set('e', String(Number(u.searchParams.get('e')) + 3600))
    expect((await fetch(later)).status).toBe(403)
    const elsewhere = new URL(u)
    elsewhere.pathname = `/api/links/${CID.createV1(0x55, digestOf(0x12, createHash('sha256').update('x').digest()))}`
    expect((await fetch(elsewhere)).status).toBe(403)
    expect((await fetch(`${tack.url}/api/links/${secretCid}`)).status).toBe(403)

    const short = await link(secretCid, 1)
    await new Promise((r) => setTimeout(r, 2100))
    const gone = await fetch(short.url)
    expect(gone.status).toBe(410)
    expect(gone.headers.get('content-type')).toContain('application/json')
    expect((await json<{ error: { reason: string } }>(gone)).error.reason).toBe('GONE')

    for (const expiresIn of [0, 365 * 86_400 + 1, 1.5, 'soon'])
      expect(
        (
          await tack.api(`/api/files/${secretCid}/links`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ expiresIn }),
          })
        ).status,
      ).toBe(400)
  })

  it('DELETE …/links revokes every link of the file at once', async () => {
    const a = await link(secretCid, 600)
    const b = await link(secretCid, 600)
    expect((await fetch(a.url)).status).toBe(200)
    expect((await tack.api(`/api/files/${secretCid}/links`, { method: 'DELETE' })).status).toBe(204)
    expect((await fetch(a.url)).status).toBe(403)
    expect((await fetch(b.url)).status).toBe(403)
    const fresh = await link(secretCid, 600)
    expect((await fetch(fresh.url)).status).toBe(200)
  })

  it('another account cannot make links to it', async () => {
    const res = await tack.api(`/api/files/${secretCid}/links`, {
      method: 'POST',
      key: other,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(res.status).toBe(404)
  })

  it('the same CID public for another account: the public copy is public, the private record stays private', async () => {
    const bytes = randomBytes(300 * 1024)
    const priv = await json<FileJson>(
      await tack.api('/api/files?name=both.bin&private=true', { method: 'PUT', body: bytes }),
    )
    expect((await fetch(`${tack.url}/api/gateway/${priv.cid}`)).status).toBe(404)
    const pub = await json<FileJson>(
      await tack.api('/api/files?name=both.bin&pin=true', { method: 'PUT', key: other, body: bytes }),
    )
    expect(pub.cid).toBe(priv.cid)
    expect(pub.private).toBe(false)
    const served = await fetch(`${tack.url}/api/gateway/${pub.cid}`)
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true)
    await expect.poll(() => tack.core.kubo.client.isPinned(pub.cid), { timeout: 30_000 }).toBe(true)
    // The private record did not become public or pinned for its account.
    expect(await json<FileJson>(await tack.api(`/api/files/${priv.cid}`))).toMatchObject({
      private: true,
      state: 'stored',
    })
    // The public copy goes: the content leaves Kubo and the gateway, the private record stays, links still work.
    expect((await tack.api(`/api/files/${pub.cid}`, { method: 'DELETE', key: other })).status).toBe(204)
    await expect.poll(() => tack.core.kubo.client.isPinned(pub.cid), { timeout: 30_000 }).toBe(false)
    expect((await fetch(`${tack.url}/api/gateway/${priv.cid}`)).status).toBe(404)
    const { url } = await link(priv.cid, 60)
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).equals(bytes)).toBe(true)
  })

  it('links also work for public files', async () => {
    const bytes = randomBytes(5000)
    const pub = await json<FileJson>(await tack.api('/api/files?name=pub.txt', { method: 'PUT', body: bytes }))
    const { url } = await link(pub.cid, 60)
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).equals(bytes)).toBe(true)
  })

  it('making it public is an explicit PATCH, and back to private another', async () => {
    const bytes = randomBytes(2000)
    const f = await json<FileJson>(
      await tack.api('/api/files?name=later.txt&private=true', { method: 'PUT', body: bytes }),
    )
    expect((await fetch(`${tack.url}/api/gateway/${f.cid}`)).status).toBe(404)
    const patch = (body: unknown, key?: string) =>
      tack.api(`/api/files/${f.cid}`, {
        method: 'PATCH',
        key,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const readOnly = tack.keyFor(tack.core.state.accounts.ensureOwner().name, ['files:read'])
    expect((await patch({ private: false }, readOnly)).status).toBe(403)
    const res = await patch({ private: false })
    expect(res.status).toBe(200)
    expect((await json<FileJson>(res)).private).toBe(false)
    const served = await fetch(`${tack.url}/api/gateway/${f.cid}`)
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true)
    expect((await patch({ private: true })).status).toBe(200)
    expect((await fetch(`${tack.url}/api/gateway/${f.cid}`)).status).toBe(404)
    expect((await patch({ private: 'no' })).status).toBe(400)
  })

  it("its blocks are not in Kubo's repo (read from the stopped repo)", async () => {
    // A control that proves the check can fail: a public, pinned upload is found the same way.
    const control = await json<FileJson>(
      await tack.api('/api/files?name=control.bin&pin=true', { method: 'PUT', body: randomBytes(4000) }),
    )
    await expect.poll(() => tack.core.kubo.client.isPinned(control.cid), { timeout: 30_000 }).toBe(true)
    await tack.stop()
    const repo = join(tack.dataDir, 'kubo')
    expect(await blockStatOffline(repo, control.cid)).toBe(0)
    for (const cid of [secretCid, ...leafCids(secretBytes)]) expect(await blockStatOffline(repo, cid)).not.toBe(0)
  })
})
