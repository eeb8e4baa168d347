// Hostile shapes of what an ordinary files:write key may send in a body (issue 25): multipart forms whose
// file names are folder paths with `..`, control characters, backslashes, thousands of levels or 300-byte
// segments, cut off anywhere; and CARs that are valid ones mutated (a flipped byte, a cut, identity-hashed
// nodes linking to content nobody has). Whatever arrives: no 5xx, every error a PSA Failure, every accepted
// path clean and served back byte-identical, and afterwards pinning still works for everyone (a crafted CAR
// once stalled the whole queue). Bounded in time; fast-check prints the smallest failing input it finds.
import { randomBytes } from 'node:crypto'
import * as dagPb from '@ipld/dag-pb'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { UnixFS } from 'ipfs-unixfs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { KUBO_POLL } from './fixtures/poll.js'
import { isPsaFailure, rawRequest } from './fixtures/raw-http.js'
import { carBytes, type CarBlock } from './fixtures/car.js'

const BOUNDARY = 'tackfuzzboundary'

interface Part {
  filename: string
  content: Buffer
}

function multipart(parts: Part[]): Buffer {
  const chunks: Buffer[] = []
  for (const p of parts) {
    const name = p.filename.replaceAll('"', '%22').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
    chunks.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      p.content,
      Buffer.from('\r\n'),
    )
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`))
  return Buffer.concat(chunks)
}

const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'photos', 'x.txt', 'é', '日本') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('..', '.', '', '\u0000', 'a\u0000b', 'x\u0001y', '%2e%2e', '..\\..', ' ', 'CON'),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 250, maxLength: 300 }) },
)
const path = fc.oneof(
  { weight: 5, arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/')) },
  { weight: 1, arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('\\')) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 3_500 }).map((n) => 'deep/'.repeat(n) + 'f.txt') },
  { weight: 1, arbitrary: fc.constantFrom('/etc/passwd', 'C:\\x', '//a', './a/./b', 'a//b') },
)
const form = fc.record({
  parts: fc.array(fc.record({ filename: path, content: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) }), {
    minLength: 1,
    maxLength: 5,
  }),
  /** Where the body is cut (as a fraction of it), or not at all. */
  cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 4 }),
})

/** No control characters, no empty, `.` or `..` segments, no leading slash. */
const cleanPath = (p: string) =>
  // eslint-disable-next-line no-control-regex
  !/[\u0000-\u001f\u007f]/.test(p) && !p.startsWith('/') && p.split('/').every((s) => s && s !== '.' && s !== '..')

const car = (root: CID, blocks: CarBlock[]) => carBytes([root], blocks)

async function pbBlock(links: CID[], data = new UnixFS({ type: 'directory' }).marshal()) {
  const bytes = dagPb.encode(dagPb.prepare({ Data: data, Links: links.map((Hash, i) => ({ Hash, Name: `e${i}` })) }))
  return { cid: CID.createV1(dagPb.code, await sha256.digest(bytes)), bytes }
}

/** A random sha2-256 CID that no node has. */
const nobodyHas = async () => CID.createV1(0x55, await sha256.digest(randomBytes(32)))

/** Valid CARs of a few shapes, some with identity-hashed dag-pb nodes (root or inner) linking elsewhere. */
async function carShapes(): Promise<Buffer[]> {
  const leaf = { bytes: randomBytes(100) }
  const leafCid = CID.createV1(0x55, await sha256.digest(leaf.bytes))
  const plain = await pbBlock([leafCid])
  const identityNode = (links: CID[]) => {
    const bytes = dagPb.encode(
      dagPb.prepare({
        Data: new UnixFS({ type: 'directory' }).marshal(),
        Links: links.map((Hash) => ({ Hash, Name: 'x' })),
      }),
    )
    return CID.createV1(dagPb.code, identity.digest(bytes))
  }
  const idRoot = identityNode([await nobodyHas()])
  const inner = identityNode([await nobodyHas()])
  const wrapsInner = await pbBlock([inner])
  return [
    await car(plain.cid, [plain, { cid: leafCid, bytes: leaf.bytes }]),
    await car(idRoot, []),
    await car(wrapsInner.cid, [wrapsInner]),
  ]
}

describe('fuzzing upload bodies', () => {
  let tack: TestTack
  let key: string
  beforeAll(async () => {
    tack = await startTack({ config: { gcDelayMs: 200 } })
    key = tack.keyFor('fuzzer', ['files:read', 'files:write'])
  })
  afterAll(() => tack.destroy())

  const upload = (path: string, body: Buffer, headers: Record<string, string>) =>
    rawRequest(tack.url, path, {
      method: headers.method ?? 'POST',
      headers: { authorization: `Bearer ${key}`, ...headers },
      body,
    })

  it('multipart folders with hostile paths: no 5xx, accepted paths are clean and served back', async () => {
    let runs = 0
    let accepted = 0
    await fc.assert(
      fc.asyncProperty(form, async ({ parts, cut }) => {
        runs++
        let body = multipart(parts)
        if (cut !== null) body = body.subarray(0, Math.floor(body.length * cut))
        const res = await upload('/api/files', body, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` })
        const what = `${res.status} ${res.body.slice(0, 300)}`
        if (res.status >= 500) throw new Error(what)
        if (res.status >= 400) {
          if (!isPsaFailure(res.body)) throw new Error(`not a PSA Failure: ${what}`)
          return
        }
        accepted++
        const out = JSON.parse(res.body) as {
          files: Array<{ cid: string; path?: string; name: string }>
          directory?: { cid: string }
        }
        for (const f of out.files) {
          if (f.path !== undefined && !cleanPath(f.path))
            throw new Error(`unclean path accepted: ${JSON.stringify(f.path)}`)
          // eslint-disable-next-line no-control-regex
          if (/[\u0000-\u001f\u007f]/.test(f.name))
            throw new Error(`control character in a name: ${JSON.stringify(f.name)}`)
        }
        // The first file reads back byte-identical through the gateway, by its own CID.
        const first = out.files[0]!
        const read = await fetch(`${tack.url}/api/gateway/${first.cid}`)
        const bytes = Buffer.from(await read.arrayBuffer())
        const sent = parts.find((p) => p.content.equals(bytes))
        if (read.status !== 200 || !sent)
          throw new Error(`${first.cid} read back ${read.status}, ${bytes.length} bytes`)
      }),
      { numRuns: 400, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: false },
    )
    expect(runs).toBeGreaterThan(50)
    expect(accepted).toBeGreaterThan(0)
    expect((await tack.api('/api/status')).status).toBe(200)
  }, 180_000)

  it('mutated and identity-crafted CARs: no 5xx, and pinning still works for every account', async () => {
    const shapes = await carShapes()
    const mutation = fc.record({
      shape: fc.integer({ min: 0, max: shapes.length - 1 }),
      flips: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 })), {
        maxLength: 3,
      }),
      cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 3 }),
      tail: fc.option(fc.uint8Array({ maxLength: 40 }), { freq: 4 }),
    })
    let runs = 0
    await fc.assert(
      fc.asyncProperty(mutation, async ({ shape, flips, cut, tail }) => {
        runs++
        let body = Buffer.from(shapes[shape]!)
        for (const [at, xor] of flips) {
          const i = Math.floor(at * (body.length - 1))
          body[i] = body[i]! ^ xor
        }
        if (cut !== null) body = body.subarray(0, Math.floor(body.length * cut))
        if (tail !== null) body = Buffer.concat([body, Buffer.from(tail)])
        const res = await upload(`/api/files?name=fuzz.car&format=car`, body, { method: 'PUT' })
        const what = `${res.status} ${res.body.slice(0, 300)}`
        if (res.status >= 500) throw new Error(what)
        if (res.status >= 400 && !isPsaFailure(res.body)) throw new Error(`not a PSA Failure: ${what}`)
      }),
      { numRuns: 300, interruptAfterTimeLimit: 30_000, markInterruptAsFailure: false },
    )
    expect(runs).toBeGreaterThan(30)
    // Whatever the CARs did, another account's uploads still get pinned, with a GC (a delete) between them:
    // a GC waits for every pin job in flight, so one stuck job would stall both.
    const other = tack.keyFor('bystander', ['files:read', 'files:write', 'pins:write'])
    const pinnedUpload = async (name: string) => {
      const put = await tack.api(`/api/files?name=${name}&pin=true`, {
        method: 'PUT',
        body: randomBytes(1000),
        key: other,
      })
      expect(put.status).toBe(201)
      const { cid } = (await put.json()) as { cid: string }
      await expect
        .poll(
          async () => ((await (await tack.api(`/api/files/${cid}`, { key: other })).json()) as { state: string }).state,
          KUBO_POLL,
        )
        .toBe('pinned')
      return cid
    }
    const first = await pinnedUpload('before-gc.txt')
    expect((await tack.api(`/api/files/${first}`, { method: 'DELETE', key: other })).status).toBe(204)
    await pinnedUpload('after-gc.txt')
    expect((await tack.api('/api/status')).status).toBe(200)
  }, 180_000)
})
