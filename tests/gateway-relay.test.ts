// Large gateway reads leave Node: after Tack's checks, the client's socket goes to tack-launcher's byte
// relay (src/main/core/relay/index.ts, tools/launcher/relay.go), which sends the head Tack wrote and copies
// the body from MinIO. Against a real Tack, MinIO and relay: bytes and headers as Node would send them,
// ranges, views and on-demand pinning, signed links, a missing object, a pipelined request, a client that
// leaves, and Node taking over when the relay dies.
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { relayPid, waitFor } from './fixtures/processes.js'
import { MAX_RELAYED_READS } from '../src/main/core/relay/index.js'

let tack: TestTack
const MiB = 1024 * 1024

beforeAll(async () => {
  tack = await startTack({ config: { lan: true, lanPort: 0 } })
})
afterAll(async () => {
  await tack?.destroy()
})

interface FileJson {
  cid: string
  state: string
  views: number
  gatewayUrl: string
}

async function upload(bytes: Buffer, name: string): Promise<FileJson> {
  const res = await tack.api(`/api/files?name=${encodeURIComponent(name)}`, { method: 'PUT', body: bytes })
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()) as FileJson
}

/** An upload whose object the store then loses (removed behind Tack's back). */
async function lostUpload(size: number, name: string): Promise<FileJson> {
  const store = tack.core.objectStorage.store
  const keys = async () => {
    const all = new Set<string>()
    for await (const key of store.list('uploads/')) all.add(key)
    return all
  }
  const before = await keys()
  const lost = await upload(randomBytes(size), name)
  const added = [...(await keys())].filter((k) => !before.has(k))
  expect(added).toHaveLength(1)
  await store.remove(added[0]!)
  return lost
}

const record = async (cid: string) => (await (await tack.api(`/api/files/${cid}`)).json()) as FileJson

/** One raw HTTP exchange: what came back before the server closed, and whether it closed cleanly. */
function rawExchange(port: number, request: string): Promise<{ bytes: Buffer; reset: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('end', () => resolve({ bytes: Buffer.concat(chunks), reset: false }))
    socket.on('error', () => resolve({ bytes: Buffer.concat(chunks), reset: true }))
  })
}

describe.runIf(process.platform !== 'win32')('gateway byte relay', () => {
  const bytes = randomBytes(5 * MiB + 123)
  let file: FileJson

  beforeAll(async () => {
    expect(relayPid(), 'tack-launcher relay should be running (scripts/build-binaries.sh launcher)').toBeDefined()
    file = await upload(bytes, 'large.bin')
  })

  it('sends a large upload with the head Tack decided, then closes; counts the view and pins it after', async () => {
    expect(file.state).toBe('stored')
    const res = await fetch(file.gatewayUrl)
    expect(res.status).toBe(200)
    // Only the relay closes the connection after a gateway answer; Node keeps it alive.
    expect(res.headers.get('connection')).toBe('close')
    expect(res.headers.get('content-length')).toBe(String(bytes.length))
    expect(res.headers.get('etag')).toBe(`"${file.cid}"`)
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect(res.headers.get('cache-control')).toContain('immutable')
    expect(res.headers.get('x-request-id')).toBeTruthy()
    expect(res.headers.get('content-security-policy')).toContain('sandbox')
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
    await waitFor(async () => (await record(file.cid)).state === 'pinned', 'the upload pinned after its relayed read')
    expect((await record(file.cid)).views).toBeGreaterThanOrEqual(1)
  })

  it('serves ranges through the relay as 206 with exactly those bytes', async () => {
    const part = await fetch(file.gatewayUrl, { headers: { range: `bytes=1000-${2 * MiB + 999}` } })
    expect(part.status).toBe(206)
    expect(part.headers.get('connection')).toBe('close')
    expect(part.headers.get('content-range')).toBe(`bytes 1000-${2 * MiB + 999}/${bytes.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2 * MiB + 1000))).toBe(true)
    const tail = await fetch(file.gatewayUrl, { headers: { range: `bytes=-${3 * MiB}` } })
    expect(tail.status).toBe(206)
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(-3 * MiB))).toBe(true)
    // Below the relay's threshold, Node answers and keeps the connection.
    const small = await fetch(file.gatewayUrl, { headers: { range: 'bytes=0-99' } })
    expect(small.headers.get('connection')).not.toBe('close')
    expect(Buffer.from(await small.arrayBuffer()).equals(bytes.subarray(0, 100))).toBe(true)
  })

  it('relays signed links with their own caching headers, on the LAN listener too', async () => {
    const res = await tack.api(`/api/files/${file.cid}/links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(res.status).toBe(201)
    const link = (await res.json()) as { url: string; lanUrl?: string }
    for (const url of [link.url, link.lanUrl!]) {
      const got = await fetch(url)
      expect(got.status).toBe(200)
      expect(got.headers.get('connection')).toBe('close')
      expect(got.headers.get('cache-control')).toBe('private, no-store')
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true)
    }
  })

  it('never hands over a request refused before the route (a foreign Host)', async () => {
    const port = Number(new URL(tack.url).port)
    const path = new URL(file.gatewayUrl).pathname
    const { bytes: answer } = await rawExchange(
      port,
      `GET ${path} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
    )
    expect(answer.toString('latin1')).toMatch(/^HTTP\/1\.1 403 /)
    expect(answer.length).toBeLessThan(4096)
  })

  it('ends a pipelined connection cleanly after the relayed answer (no reset losing its end)', async () => {
    const port = Number(new URL(tack.url).port)
    const path = new URL(file.gatewayUrl).pathname
    const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`
    const { bytes: answer, reset } = await rawExchange(port, request + request)
    expect(reset).toBe(false)
    const split = answer.indexOf('\r\n\r\n')
    expect(answer.subarray(0, split).toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(answer.subarray(split + 4).equals(bytes)).toBe(true)
  })

  it('survives clients that leave mid-body', async () => {
    for (let i = 0; i < 5; i++) {
      const controller = new AbortController()
      const res = await fetch(file.gatewayUrl, { signal: controller.signal })
      const reader = res.body!.getReader()
      await reader.read()
      controller.abort()
    }
    const again = await fetch(file.gatewayUrl)
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true)
    expect(relayPid()).toBeDefined()
  })

  it('answers 503 with a Failure body when the object store has lost the object', async () => {
    const lost = await lostUpload(2 * MiB, 'lost.bin')
    const res = await fetch(lost.gatewayUrl)
    expect(res.status).toBe(503)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('x-request-id')).toBeTruthy()
    expect(((await res.json()) as { error: { reason: string } }).error.reason).toBe('SERVICE_UNAVAILABLE')
  })

  /** An upload of unknown length (chunked), which the store takes as a multipart object of 8 MiB parts. */
  async function uploadInParts(data: Buffer, name: string): Promise<FileJson> {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < data.length; i += MiB) c.enqueue(data.subarray(i, i + MiB))
        c.close()
      },
    })
    const init = { method: 'PUT', body, duplex: 'half' } as RequestInit
    const res = await tack.api(`/api/files?name=${encodeURIComponent(name)}`, init)
    expect(res.status, await res.clone().text()).toBe(201)
    return (await res.json()) as FileJson
  }

  it('relays an upload stored in parts, whole and by a range across a part boundary', async () => {
    const data = randomBytes(20 * MiB + 7)
    const file = await uploadInParts(data, 'parts.bin')
    const whole = await fetch(file.gatewayUrl, { signal: AbortSignal.timeout(20_000) })
    expect(whole.headers.get('connection')).toBe('close') // the relay's answer
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true)
    const across = 8 * MiB - 3
    const part = await fetch(file.gatewayUrl, {
      headers: { range: `bytes=${across}-${across + 2 * MiB}` },
      signal: AbortSignal.timeout(20_000),
    })
    expect(part.status).toBe(206)
    expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(across, across + 2 * MiB + 1))).toBe(true)
    await waitFor(async () => (await record(file.cid)).state === 'pinned', 'the upload pinned after its first read')
  })

  it('relays large content pinned through the PSA from Kubo, whole, by range and inside a folder', async () => {
    const content = randomBytes(3 * MiB + 7)
    const form = new FormData()
    form.append('file', new Blob([content]), 'dir/big.bin')
    // Added straight to Tack's Kubo (not an upload): the gateway serves it only once an account pins it.
    const added = await tack.core.kubo.client.call(
      'add',
      { 'cid-version': '1', 'wrap-with-directory': 'true', pin: 'false' },
      { body: form },
    )
    expect(added.status, await added.clone().text()).toBe(200)
    const lines = (await added.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { Name: string; Hash: string })
    const root = lines.find((l) => l.Name === '')!.Hash
    const pin = await tack.api('/api/pinning/pins', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cid: root }),
    })
    expect(pin.status).toBe(202)
    const { requestid } = (await pin.json()) as { requestid: string }
    await waitFor(
      async () =>
        ((await (await tack.api(`/api/pinning/pins/${requestid}`)).json()) as { status: string }).status === 'pinned',
      'the PSA pin pinned',
    )
    const url = `${tack.url}/api/gateway/${root}/dir/big.bin`
    const whole = await fetch(url)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('connection')).toBe('close')
    expect(whole.headers.get('content-length')).toBe(String(content.length))
    expect(whole.headers.get('x-ipfs-path')).toBe(`/ipfs/${root}/dir/big.bin`)
    expect(Buffer.from(await whole.arrayBuffer()).equals(content)).toBe(true)
    const part = await fetch(url, { headers: { range: `bytes=${MiB}-${3 * MiB}` } })
    expect(part.status).toBe(206)
    expect(part.headers.get('connection')).toBe('close')
    expect(Buffer.from(await part.arrayBuffer()).equals(content.subarray(MiB, 3 * MiB + 1))).toBe(true)
    // Kubo's own answer Tack read for the headers was dropped: the next request finds Kubo's gateway free.
    const again = await fetch(url, { headers: { range: 'bytes=0-9' } })
    expect(Buffer.from(await again.arrayBuffer()).equals(content.subarray(0, 10))).toBe(true)

    // A Range with a tab, which Kubo reads past but a raw request to it cannot carry: Node answers it. More
    // of them than Kubo's gateway has pooled sockets (64): none keeps one (they did, and every later read
    // from Kubo then hung).
    const port = Number(new URL(tack.url).port)
    const path = new URL(url).pathname
    for (let i = 0; i < 70; i++) {
      const { bytes: answer } = await rawExchange(
        port,
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nRange: bytes=0-\t${MiB + 9}\r\nConnection: close\r\n\r\n`,
      )
      const split = answer.indexOf('\r\n\r\n')
      expect(answer.subarray(0, split).toString('latin1')).toMatch(/^HTTP\/1\.1 206 /)
      expect(answer.subarray(split + 4).equals(content.subarray(0, MiB + 10))).toBe(true)
    }
    const after = await fetch(url, { headers: { range: 'bytes=0-9' }, signal: AbortSignal.timeout(10_000) })
    expect(Buffer.from(await after.arrayBuffer()).equals(content.subarray(0, 10))).toBe(true)
  })

  it('hands over many connections at once, one at a time, and survives clients that reset while queued', async () => {
    const aborted = Array.from({ length: 6 }, async () => {
      const controller = new AbortController()
      const res = fetch(file.gatewayUrl, { signal: controller.signal }).catch(() => undefined)
      controller.abort()
      await res
    })
    const bodies = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const res = await fetch(file.gatewayUrl)
        expect(res.headers.get('connection')).toBe('close')
        return Buffer.from(await res.arrayBuffer())
      }),
    )
    await Promise.all(aborted)
    for (const body of bodies) expect(body.equals(bytes)).toBe(true)
  })

  it(`relays at most ${MAX_RELAYED_READS} reads at once; Node answers the next`, async () => {
    // Clients that do not read keep their relayed reads open: the body is far larger than the sockets' buffers
    // (4 MiB at most here) and the relay's 1 MiB chunk.
    const big = await upload(randomBytes(32 * MiB), 'stalled.bin')
    const stalled = await Promise.all(
      Array.from({ length: MAX_RELAYED_READS }, () => {
        const controller = new AbortController()
        return fetch(big.gatewayUrl, { signal: controller.signal }).then((res) => ({ res, controller }))
      }),
    )
    try {
      for (const { res } of stalled) expect(res.headers.get('connection')).toBe('close')
      const next = await fetch(file.gatewayUrl)
      expect(next.status).toBe(200)
      expect(next.headers.get('connection')).not.toBe('close')
      expect(Buffer.from(await next.arrayBuffer()).equals(bytes)).toBe(true)
      // A read Node takes whose object is gone: the Failure carries none of the success answer's headers (an
      // immutable cache-control or an ETag would let a cache keep the error as the content).
      const lost = await lostUpload(2 * MiB, 'lost-in-node.bin')
      const failed = await fetch(lost.gatewayUrl)
      expect(failed.status).toBe(503)
      expect(failed.headers.get('connection')).not.toBe('close')
      expect(failed.headers.get('etag')).toBeNull()
      expect(failed.headers.get('cache-control') ?? '').not.toContain('immutable')
      expect(((await failed.json()) as { error: { reason: string } }).error.reason).toBe('SERVICE_UNAVAILABLE')
    } finally {
      for (const { controller } of stalled) controller.abort()
    }
    // Once they are gone, reads are relayed again.
    await waitFor(async () => {
      const res = await fetch(file.gatewayUrl)
      await res.arrayBuffer()
      return res.headers.get('connection') === 'close'
    }, 'a relayed read again')
  })

  it('serves through Node while the relay is down, and starts it again', async () => {
    const pid = relayPid()!
    process.kill(pid, 'SIGKILL')
    await waitFor(() => relayPid() !== pid, 'the relay gone', 10_000)
    await new Promise((r) => setTimeout(r, 100))
    const res = await fetch(file.gatewayUrl)
    expect(res.status).toBe(200)
    expect(res.headers.get('connection')).not.toBe('close')
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
    const again = await waitFor(() => relayPid(), 'the relay started again', 10_000)
    expect(again).not.toBe(pid)
    await new Promise((r) => setTimeout(r, 100))
    const relayed = await fetch(file.gatewayUrl)
    expect(relayed.headers.get('connection')).toBe('close')
    expect(Buffer.from(await relayed.arrayBuffer()).equals(bytes)).toBe(true)
  })
})
