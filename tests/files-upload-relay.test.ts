// Large raw uploads (PUT /api/files with a Content-Length of 1 MiB or more) go through tack-launcher's byte
// relay (http/relay-upload.ts, tools/launcher/upload.go): it reads the body, computes the CID and streams
// the bytes to MinIO while Tack records the upload. Against a real Tack, MinIO, relay and Kubo: CIDs equal to
// `ipfs add --cid-version=1` at the layout's boundaries, what Node would have recorded (type, pin, private,
// one object per content), nothing left behind by a client that leaves, and Node taking over when the relay
// is gone.
import { createHash, randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { relayPid, waitFor } from './fixtures/processes.js'
import { RELAY_PART_SIZE } from '../src/main/core/object-store/store.js'
import { tackMinioClient } from './fixtures/minio.js'

const KiB = 1024
const MiB = 1024 * KiB
const CHUNK = 256 * KiB

let tack: TestTack
let kubo: KuboTestNode

beforeAll(async () => {
  ;[tack, kubo] = await Promise.all([startTack(), startKuboNode()])
})
afterAll(async () => {
  await Promise.all([tack?.destroy(), kubo?.stop()])
})

interface FileJson {
  cid: string
  size: number
  state: string
  mime: string
  private: boolean
  gatewayUrl: string
}

const put = (name: string, body: Buffer, query = '', key?: string) =>
  tack.api(`/api/files?name=${encodeURIComponent(name)}${query}`, { method: 'PUT', body, key })

const kuboCid = async (bytes: Buffer) =>
  (await kubo.ipfs(['add', '--cid-version=1', '-Q', '--only-hash'], { input: bytes })).trim()

async function objectKeys(): Promise<string[]> {
  const keys: string[] = []
  for await (const key of tack.core.objectStorage.store.list('uploads/')) keys.push(key)
  return keys
}

/** A client of Tack's own MinIO, to see what it holds. */
const minio = () => tackMinioClient(tack.dataDir)

/** Sends the head of a PUT of `length` bytes and `sent` of them, then leaves (after `beforeLeaving`). */
function cutUpload(name: string, length: number, sent: number, beforeLeaving = () => {}): Promise<void> {
  const port = Number(new URL(tack.url).port)
  return new Promise<void>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `PUT /api/files?name=${name} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          `Authorization: Bearer ${tack.adminKey}\r\nContent-Length: ${length}\r\n\r\n`,
      )
      socket.write(randomBytes(sent), () =>
        setTimeout(() => {
          beforeLeaving()
          socket.destroy()
        }, 200),
      )
    })
    socket.on('close', () => resolve())
    socket.on('error', () => {})
  })
}

describe.runIf(process.platform !== 'win32')('uploads through the byte relay', () => {
  beforeAll(() => {
    expect(relayPid(), 'tack-launcher relay should be running (scripts/build-binaries.sh launcher)').toBeDefined()
  })

  it("gives Kubo's CIDs at the layout's boundaries, and the bytes come back identical", async () => {
    // One node of 174 leaves; one leaf more (a second level, its second node holding one leaf); two full
    // nodes and one leaf more; an uneven size.
    const sizes = [MiB, 174 * CHUNK, 174 * CHUNK + 1, 2 * 174 * CHUNK + 1, 5 * MiB + 17]
    for (const size of sizes) {
      const bytes = randomBytes(size)
      const res = await put(`r-${size}.bin`, bytes)
      expect(res.status, await res.clone().text()).toBe(201)
      // Only the relay closes the connection after an upload's answer.
      expect(res.headers.get('connection'), `size ${size}`).toBe('close')
      expect(res.headers.get('content-type')).toContain('application/json')
      const record = (await res.json()) as FileJson
      expect(record.cid, `size ${size}`).toBe(await kuboCid(bytes))
      expect(record).toMatchObject({ size, state: 'stored' })
    }
    const bytes = randomBytes(3 * MiB)
    const record = (await (await put('back.bin', bytes)).json()) as FileJson
    expect(Buffer.from(await (await fetch(record.gatewayUrl)).arrayBuffer()).equals(bytes)).toBe(true)
  })

  it('types the file from its first bytes, pins with pin=true, keeps private=true private', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2 * MiB)])
    const typed = (await (await put('picture', png)).json()) as FileJson
    expect(typed.mime).toBe('image/png')
    const pinned = await put('pinned.bin', randomBytes(2 * MiB), '&pin=true')
    expect(pinned.headers.get('connection')).toBe('close')
    expect(((await pinned.json()) as FileJson).state).toBe('pinned')
    const secret = await put('secret.bin', randomBytes(2 * MiB), '&private=true')
    expect(secret.status).toBe(201)
    const record = (await secret.json()) as FileJson
    expect(record.private).toBe(true)
    expect((await fetch(`${tack.url}/api/gateway/${record.cid}`)).status).toBe(404)
  })

  it("answers the desktop app's origin with its CORS headers, relayed or refused", async () => {
    const { request } = await import('node:http')
    const send = (query: string, bytes: Buffer) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const req = request(
          `${tack.url}/api/files?name=app.bin${query}`,
          {
            method: 'PUT',
            headers: { authorization: `Bearer ${tack.adminKey}`, origin: 'app://tack', 'content-length': bytes.length },
          },
          (res) => {
            let body = ''
            res.on('data', (c) => (body += String(c)))
            res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
          },
        )
        req.on('error', reject)
        req.end(bytes)
      })
    const ok = await send('', randomBytes(2 * MiB))
    expect(ok.status).toBe(201)
    expect(ok.headers).toMatchObject({ connection: 'close', 'access-control-allow-origin': 'app://tack' })
    // Refused before the relay takes anything (pin with private): Fastify answers, with the same headers.
    const refused = await send('&pin=true&private=true', randomBytes(2 * MiB))
    expect(refused.status).toBe(400)
    expect(refused.headers['access-control-allow-origin']).toBe('app://tack')
  })

  it('keeps one object per content when the same bytes come twice', async () => {
    const bytes = randomBytes(2 * MiB)
    const before = await objectKeys()
    const first = (await (await put('twice-a.bin', bytes)).json()) as FileJson
    const second = (await (await put('twice-b.bin', bytes)).json()) as FileJson
    expect(second.cid).toBe(first.cid)
    // One new object, whatever earlier pinned uploads' objects do meanwhile (they leave: one copy).
    await waitFor(
      async () => (await objectKeys()).filter((k) => !before.includes(k)).length === 1,
      'the second copy removed',
    )
  })

  it('refuses an upload over the quota before taking a byte, with a Failure body', async () => {
    const small = tack.core.state.accounts.create('relay-small', MiB)
    const key = tack.core.state.keys.create({ accountId: small.id, name: 'k' }).secret
    const res = await put('too-big.bin', randomBytes(2 * MiB), '', key)
    expect(res.status).toBe(409)
    expect(((await res.json()) as { error: { reason: string } }).error.reason).toBe('INSUFFICIENT_FUNDS')
  })

  it('lists nothing and keeps no object when the client leaves mid-body', async () => {
    const before = await objectKeys()
    await cutUpload('cut.bin', 20 * MiB, 5 * MiB)
    await waitFor(
      async () =>
        (await objectKeys()).every((k) => before.includes(k)) && tack.core.files.repo.pendingKeys().length === 0,
      'cleanup after the cut upload',
    )
    const names = (
      (await (await tack.api('/api/files?limit=1000')).json()) as { results: Array<{ name: string }> }
    ).results.map((r) => r.name)
    expect(names).not.toContain('cut.bin')
  })

  it('sends a body of more than two parts as a multipart upload, pins it, and it comes back identical', async () => {
    const size = 2 * RELAY_PART_SIZE + 3 * MiB + 17
    const bytes = randomBytes(size)
    const before = new Set(await objectKeys())
    const res = await put('parts.bin', bytes)
    expect(res.status, await res.clone().text()).toBe(201)
    const record = (await res.json()) as FileJson
    expect(record.cid).toBe(await kuboCid(bytes))
    const key = (await objectKeys()).find((k) => !before.has(k))!
    // MinIO's ETag of a multipart object ends with its part count; a single PUT's has none.
    expect((await minio().statObject('tack', key)).etag).toMatch(/-3$/)
    const sha = createHash('sha256').update(bytes).digest('hex')
    const readBack = async () => {
      const back = createHash('sha256')
      for await (const chunk of (await fetch(record.gatewayUrl)).body!) back.update(chunk)
      return back.digest('hex')
    }
    expect(await readBack()).toBe(sha)
    // Pinned: Tack's Kubo reads the object back from MinIO and must compute the same CID to pin it; then the
    // bytes live in Kubo only (one copy) and still read back identical.
    expect((await tack.api(`/api/files/${record.cid}/pin`, { method: 'POST' })).status).toBe(202)
    await waitFor(
      async () => (await tack.core.kubo.client.isPinned(record.cid)) && !(await objectKeys()).includes(key),
      'pinned, and its object gone',
    )
    expect(await readBack()).toBe(sha)
  })

  it('leaves no object and no unfinished multipart upload when the client leaves after a part', async () => {
    const before = await objectKeys()
    let pending: string[] = []
    await cutUpload('cut-parts.bin', 3 * RELAY_PART_SIZE, RELAY_PART_SIZE + 5 * MiB, () => {
      pending = tack.core.files.repo.pendingKeys()
    })
    expect(pending).toHaveLength(1)
    const incomplete = async () => {
      const uploads: string[] = []
      // MinIO lists unfinished multipart uploads by their exact key only.
      for await (const u of minio().listIncompleteUploads('tack', pending[0]!, false)) uploads.push(u.uploadId)
      return uploads
    }
    await waitFor(
      async () =>
        (await objectKeys()).every((k) => before.includes(k)) && tack.core.files.repo.pendingKeys().length === 0,
      'cleanup after the cut upload',
    )
    expect(await incomplete()).toEqual([])
  })

  it('takes several uploads at once, each with its own bytes', async () => {
    const contents = Array.from({ length: 4 }, () => randomBytes(2 * MiB + 5))
    const records = await Promise.all(
      contents.map(async (bytes, i) => {
        const res = await put(`together-${i}.bin`, bytes)
        expect(res.headers.get('connection')).toBe('close')
        return (await res.json()) as FileJson
      }),
    )
    for (const [i, record] of records.entries()) expect(record.cid).toBe(await kuboCid(contents[i]!))
  })

  it('goes through Node while the relay is down', async () => {
    const pid = relayPid()!
    process.kill(pid, 'SIGKILL')
    await waitFor(() => relayPid() !== pid, 'the relay gone', 10_000)
    await new Promise((r) => setTimeout(r, 100))
    const bytes = randomBytes(2 * MiB)
    const res = await put('after-relay.bin', bytes)
    expect(res.status).toBe(201)
    expect(res.headers.get('connection')).not.toBe('close')
    expect(((await res.json()) as FileJson).cid).toBe(await kuboCid(bytes))
  })
})
