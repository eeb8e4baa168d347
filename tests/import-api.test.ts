// POST /api/import against real cores: an archive the real export wrote (GET /api/export) from one Tack is
// merged into a second, running Tack by the `--merge` rules: its files are listed there and their bytes
// served, its keys are left out unless asked for, and what is private stays private. A garbled archive, a
// forged one (checksums made to match bytes that are not their CID's) and one over TACK_MAX_IMPORT_BYTES are
// refused with a 4xx and change nothing; only an admin key may restore, one restore at a time.
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import tar from 'tar-stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { waitFor } from './fixtures/processes.js'

interface Failure {
  error: { reason: string; details: string }
}

/** Every entry of a (small) tar, in order. */
async function entries(archive: Buffer): Promise<Array<{ name: string; bytes: Buffer }>> {
  const out: Array<{ name: string; bytes: Buffer }> = []
  for await (const entry of Readable.from([archive]).pipe(tar.extract())) {
    const chunks: Buffer[] = []
    for await (const c of entry) chunks.push(c as Buffer)
    out.push({ name: entry.header.name, bytes: Buffer.concat(chunks) })
  }
  return out
}

async function pack(list: Array<{ name: string; bytes: Buffer }>): Promise<Buffer> {
  const p = tar.pack()
  const chunks: Buffer[] = []
  const done = (async () => {
    for await (const c of p) chunks.push(c as Buffer)
  })()
  for (const e of list) p.entry({ name: e.name }, e.bytes)
  p.finalize()
  await done
  return Buffer.concat(chunks)
}

describe('POST /api/import merges a backup into a running Tack', () => {
  let source: TestTack
  let target: TestTack
  let archive: Buffer
  const publicBytes = randomBytes(200_000)
  const privateBytes = randomBytes(50_000)
  let publicCid = ''
  let privateCid = ''
  const imp = (body: Uint8Array, init: { key?: string; query?: string } = {}) =>
    target.api(`/api/import${init.query ?? ''}`, {
      method: 'POST',
      key: init.key,
      headers: { 'content-type': 'application/x-tar' },
      body,
    })
  const fileCount = async () => ((await (await target.api('/api/files')).json()) as { count: number }).count

  beforeAll(async () => {
    ;[source, target] = await Promise.all([startTack(), startTack({ config: { maxImportBytes: 20 * 1024 * 1024 } })])
    source.keyFor('bob', ['files:read'])
    const pub = await source.api('/api/files?name=restored.bin&pin=true', { method: 'PUT', body: publicBytes })
    publicCid = ((await pub.json()) as { cid: string }).cid
    const priv = await source.api('/api/files?name=secret.bin&private=true', { method: 'PUT', body: privateBytes })
    privateCid = ((await priv.json()) as { cid: string }).cid
    const res = await source.api('/api/export')
    expect(res.status).toBe(200)
    archive = Buffer.from(await res.arrayBuffer())
  }, 120_000)
  afterAll(async () => {
    await Promise.all([source?.destroy(), target?.destroy()])
  })

  it('a key without admin gets 403 and nothing changes', async () => {
    const res = await imp(archive, { key: target.keyFor('carol', ['files:read', 'files:write']) })
    expect(res.status).toBe(403)
    expect(await fileCount()).toBe(0)
  })

  it('a garbled archive, a forged one and one past the limit get a 4xx Failure, never a 5xx, and change nothing', async () => {
    const garbled = Buffer.from(archive)
    for (let i = 0; i < garbled.length; i += 997) garbled[i] = garbled[i]! ^ 0xff
    // Forged: an object's bytes replaced and the manifest made to match, so only the re-hash to its CID can tell.
    const list = await entries(archive)
    const object = list.find((e) => e.name.startsWith('objects/'))!
    object.bytes = randomBytes(object.bytes.length)
    const manifest = list.find((e) => e.name === 'manifest.json')!
    const parsed = JSON.parse(manifest.bytes.toString('utf8')) as { entries: Array<{ path: string; sha256: string }> }
    for (const e of parsed.entries)
      if (e.path === object.name) e.sha256 = createHash('sha256').update(object.bytes).digest('hex')
    manifest.bytes = Buffer.from(JSON.stringify(parsed))
    const forged = await pack(list)
    const cases: Array<[string, Buffer, number, RegExp]> = [
      ['random bytes', randomBytes(10_000), 400, /not a Tack backup|truncated/],
      ['garbled', garbled, 400, /refused/],
      ['truncated', archive.subarray(0, Math.floor(archive.length / 2)), 400, /refused/],
      ['forged', forged, 400, /hashes to/],
      ['too large', Buffer.alloc(21 * 1024 * 1024), 413, /TACK_MAX_IMPORT_BYTES/],
    ]
    for (const [what, body, status, details] of cases) {
      const res = await imp(body)
      expect(res.status, what).toBe(status)
      expect(res.headers.get('content-type'), what).toMatch(/application\/json/)
      const failure = (await res.json()) as Failure
      expect(failure.error.details, what).toMatch(details)
    }
    const unknown = await imp(archive, { query: '?keys=everything' })
    expect(unknown.status).toBe(400)
    expect(await fileCount()).toBe(0)
  })

  it('the real export merges in: files listed and served, keys left out by default, private stays private', async () => {
    const res = await imp(archive)
    expect(res.status).toBe(200)
    const result = (await res.json()) as { files: number; keys: number; keysLeftOut: number; accounts: number }
    expect(result).toMatchObject({ files: 2, keys: 0, accounts: 1 })
    // The source's admin key and bob's key: credentials a merge adds only when asked.
    expect(result.keysLeftOut).toBe(2)
    const list = (await (await target.api('/api/files')).json()) as {
      results: Array<{ cid: string; name: string; private: boolean }>
    }
    expect(list.results.map((f) => [f.name, f.cid, f.private]).sort()).toEqual(
      [
        ['restored.bin', publicCid, false],
        ['secret.bin', privateCid, true],
      ].sort(),
    )
    const served = await fetch(`${target.url}/api/gateway/${publicCid}`)
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer()).equals(publicBytes)).toBe(true)
    expect((await fetch(`${target.url}/api/gateway/${privateCid}`)).status).toBe(404)
    // Merging the same archive again duplicates nothing.
    const again = (await (await imp(archive)).json()) as { files: number; skipped: number }
    expect(again.files).toBe(0)
    expect(await fileCount()).toBe(2)
  })

  it('one restore at a time: another while one is being sent gets 409, and the first still finishes', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const slow = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(archive.subarray(0, 1024))
        await held
        controller.enqueue(archive.subarray(1024))
        controller.close()
      },
    })
    const first = target.api('/api/import', {
      method: 'POST',
      headers: { 'content-type': 'application/x-tar' },
      body: slow,
      duplex: 'half',
    } as RequestInit)
    // A probe that is no archive: 400 until the first restore runs, 409 once it does.
    const conflict = await waitFor(async () => {
      const res = await imp(Buffer.from('not an archive'))
      return res.status === 409 ? ((await res.json()) as Failure) : undefined
    }, 'a second restore to be refused')
    expect(conflict.error.details).toMatch(/a restore is running already/)
    release()
    const res = await first
    expect(res.status).toBe(200)
    expect(((await res.json()) as { files: number }).files).toBe(0)
  })
})
