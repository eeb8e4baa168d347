// What one key or account may make Tack hold, each limit set small through config.ts and answered with a PSA
// Failure that names it: pins queued or pinning per account, a pin's meta and name, uploads in flight per
// key, and a folder upload's path depth and characters.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { unfindableCid } from './fixtures/cids.js'
import { heldRequest } from './fixtures/held-request.js'

const MAX_PENDING = 3
const MAX_UPLOADS = 2

interface Failure {
  error: { reason: string; details: string }
}

function multipart(files: Array<{ name: string; bytes: Buffer }>): { body: Buffer; type: string } {
  const boundary = `----tack${randomBytes(8).toString('hex')}`
  const parts = files.map(({ name, bytes }) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      bytes,
      Buffer.from('\r\n'),
    ]),
  )
  return {
    body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  }
}

describe('limits', () => {
  let tack: TestTack
  let n = 0

  beforeAll(async () => {
    tack = await startTack({ config: { maxPendingPins: MAX_PENDING, maxUploadsPerKey: MAX_UPLOADS } })
  })
  afterAll(() => tack?.destroy())

  const account = (scopes: Parameters<TestTack['keyFor']>[1]) => tack.keyFor(`limits-${++n}`, scopes)
  const pin = (key: string, body: unknown) =>
    tack.api('/api/pinning/pins', {
      key,
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    })
  const pending = () => (tack.core.state.db.prepare('SELECT COUNT(*) AS n FROM pending_uploads').get() as { n: number }).n

  it('refuses a pin past the account’s queued-or-pinning limit with 429 PIN_QUEUE_FULL, even when POSTs arrive together', async () => {
    const key = account(['pins:read', 'pins:write'])
    const cids = await Promise.all(Array.from({ length: MAX_PENDING + 3 }, () => unfindableCid()))
    const answers = await Promise.all(cids.map((cid) => pin(key, { cid })))
    const statuses = answers.map((r) => r.status).sort()
    expect(statuses).toEqual([...Array(MAX_PENDING).fill(202), ...Array(3).fill(429)])
    const refused = (await answers.find((r) => r.status === 429)!.json()) as Failure
    expect(refused.error.reason).toBe('PIN_QUEUE_FULL')
    expect(refused.error.details).toMatch(/TACK_MAX_PENDING_PINS/)
    // Another account has its own room; a deleted pin gives its place back.
    expect((await pin(account(['pins:write']), { cid: await unfindableCid() })).status).toBe(202)
    const list = (await (await tack.api('/api/pinning/pins?status=queued,pinning', { key })).json()) as {
      results: Array<{ requestid: string }>
    }
    expect(list.results).toHaveLength(MAX_PENDING)
    expect((await tack.api(`/api/pinning/pins/${list.results[0]!.requestid}`, { key, method: 'DELETE' })).status).toBe(202)
    expect((await pin(key, { cid: await unfindableCid() })).status).toBe(202)
  })

  it('refuses a pin whose meta is over TACK_PIN_META_BYTES (4 KiB) or whose name is over 255 characters', async () => {
    const key = account(['pins:write'])
    const big = await pin(key, { cid: await unfindableCid(), meta: { a: 'x'.repeat(2100), b: 'x'.repeat(2100) } })
    expect(big.status).toBe(400)
    expect(((await big.json()) as Failure).error.details).toMatch(/pin\.meta is larger than 4096 bytes.*TACK_PIN_META_BYTES/)
    expect((await pin(key, { cid: await unfindableCid(), meta: { note: 'x'.repeat(4000) } })).status).toBe(202)
    const long = await pin(key, { cid: await unfindableCid(), name: 'n'.repeat(256) })
    expect(long.status).toBe(400)
    expect(((await long.json()) as Failure).error.details).toMatch(/pin\.name is longer than 255 characters/)
  })

  it('answers the upload past a key’s limit of uploads in flight with 429 TOO_MANY_UPLOADS', async () => {
    const key = account(['files:read', 'files:write'])
    const other = account(['files:write'])
    const put = (k: string, i: number) =>
      heldRequest(tack.url, `/api/files?name=held-${n}-${i}.bin`, 'PUT', { authorization: `Bearer ${k}` }, randomBytes(256 * 1024), 1024)
    const held = Array.from({ length: MAX_UPLOADS }, (_, i) => put(key, i))
    await expect.poll(pending, { timeout: 15_000 }).toBe(MAX_UPLOADS)
    const over = await tack.api('/api/files?name=over.bin', { key, method: 'PUT', body: randomBytes(1024) })
    expect(over.status).toBe(429)
    const failure = (await over.json()) as Failure
    expect(failure.error.reason).toBe('TOO_MANY_UPLOADS')
    expect(failure.error.details).toMatch(/TACK_MAX_UPLOADS_PER_KEY/)
    // Per key: another key uploads meanwhile.
    expect((await tack.api('/api/files?name=other.bin', { key: other, method: 'PUT', body: randomBytes(1024) })).status).toBe(201)
    // A slot comes back when its upload ends, finished or dropped.
    held[0]!.release()
    held[1]!.abort()
    expect((await held[0]!.answer).status).toBe(201)
    await expect
      .poll(async () => (await tack.api('/api/files?name=after.bin', { key, method: 'PUT', body: randomBytes(1024) })).status, {
        timeout: 15_000,
      })
      .toBe(201)
  })

  it('refuses folder paths deeper than TACK_MAX_PATH_DEPTH (3,000 levels: a 400, not a stack overflow)', async () => {
    const key = account(['files:write'])
    const post = (form: ReturnType<typeof multipart>) =>
      tack.api('/api/files', { key, method: 'POST', body: form.body, headers: { 'content-type': form.type } })
    const deep = (levels: number) => `${Array(levels).fill('d').join('/')}/f.txt`
    for (const levels of [3000, 101]) {
      const res = await post(multipart([{ name: deep(levels), bytes: Buffer.from('deep') }]))
      expect(res.status, `${levels} levels`).toBe(400)
      expect(((await res.json()) as Failure).error.details).toMatch(/folders deep.*TACK_MAX_PATH_DEPTH/)
    }
    expect((await post(multipart([{ name: deep(100), bytes: Buffer.from('deep enough') }]))).status).toBe(201)
    await expect.poll(pending).toBe(0)
  })

  it('refuses NUL and other control characters in paths and names with 400', async () => {
    const key = account(['files:write'])
    for (const name of ['dir/a\u0000b.txt', 'dir/a\u0001b.txt', 'dir\u001b/c.txt', 'dir/d\u007f.txt']) {
      const form = multipart([{ name, bytes: Buffer.from('x') }])
      const res = await tack.api('/api/files', { key, method: 'POST', body: form.body, headers: { 'content-type': form.type } })
      expect(res.status, JSON.stringify(name)).toBe(400)
      expect(((await res.json()) as Failure).error.details).toMatch(/control characters/)
    }
    for (const name of ['a\u0000b.txt', 'tab\there.txt']) {
      const res = await tack.api(`/api/files?name=${encodeURIComponent(name)}`, { key, method: 'PUT', body: 'x' })
      expect(res.status, JSON.stringify(name)).toBe(400)
      expect(((await res.json()) as Failure).error.details).toMatch(/control characters/)
    }
    await expect.poll(pending).toBe(0)
  })
})
