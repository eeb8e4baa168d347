// The quota is spent at the commit, not at the start of an upload: five uploads that each fit the account's
// room alone, sent side by side so that all five are admitted and streaming before any commits, must end
// with exactly as many stored as fit (3 of 5 here), the others refused with INSUFFICIENT_FUNDS and leaving
// nothing behind. Raw PUT (through the byte relay), multipart POST and CAR PUT (of a file, of a folder) each.
import { randomBytes } from 'node:crypto'
import { importer } from 'ipfs-unixfs-importer'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KUBO_V1_OPTIONS } from '../src/main/core/cid/unixfs.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { heldRequest as held, type HeldRequest } from './fixtures/held-request.js'
import { carBytes } from './fixtures/car.js'

const MiB = 1024 * 1024
const QUOTA = 10 * MiB
const EACH = 3 * MiB
const UPLOADS = 5
const FIT = Math.floor(QUOTA / (EACH + 4096)) // 3: a CAR's root node adds a few hundred bytes

/** A CAR of one file, or with `folder`, of a folder holding it (its root is the folder). */
async function carOf(bytes: Uint8Array, folder = false): Promise<Buffer> {
  const blocks: Array<{ cid: CID; bytes: Uint8Array }> = []
  const store = {
    // The importer's multiformats is its own copy: CIDs cross over as strings.
    put: async <C extends { toString(): string }>(cid: C, b: Uint8Array) => {
      blocks.push({ cid: CID.parse(cid.toString()), bytes: b })
      return cid
    },
  }
  let root: CID | undefined
  const source = folder ? [{ path: 'folder/file.bin', content: bytes }] : [{ content: bytes }]
  for await (const entry of importer(source, store, KUBO_V1_OPTIONS)) root = CID.parse(entry.cid.toString())
  return carBytes([root!], blocks)
}

function multipart(name: string, bytes: Buffer): { body: Buffer; type: string } {
  const boundary = `----tack${randomBytes(8).toString('hex')}`
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`
  return {
    body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  }
}

describe('concurrent uploads spend the quota once', () => {
  let tack: TestTack
  let n = 0

  beforeAll(async () => {
    tack = await startTack()
  })
  afterAll(() => tack?.destroy())

  const pending = () =>
    (tack.core.state.db.prepare('SELECT COUNT(*) AS n FROM pending_uploads').get() as { n: number }).n
  const usage = (accountId: number) => tack.core.pins.usageOf(accountId) + tack.core.files.usageOf(accountId)

  async function race(requests: (key: string) => HeldRequest[]) {
    const name = `quota-${++n}`
    const account = tack.core.state.accounts.create(name, QUOTA)
    const key = tack.keyFor(name, ['files:read', 'files:write'])
    const sent = requests(key)
    // Every upload is admitted and staging (its object registered as pending) before any of them commits.
    await expect.poll(pending, { timeout: 15_000 }).toBe(UPLOADS)
    for (const r of sent) r.release()
    const answers = await Promise.all(sent.map((r) => r.answer))
    const statuses = answers.map((a) => a.status).sort()
    expect(statuses).toEqual([...Array(FIT).fill(201), ...Array(UPLOADS - FIT).fill(409)])
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.error?.reason).toBe('INSUFFICIENT_FUNDS')
    expect(usage(account.id)).toBeLessThanOrEqual(QUOTA)
    const listed = (await (await tack.api('/api/files', { key })).json()) as { count: number }
    expect(listed.count).toBe(FIT)
    await expect.poll(pending, { timeout: 15_000 }).toBe(0)
  }

  it('raw PUTs', async () => {
    await race((key) =>
      Array.from({ length: UPLOADS }, (_, i) =>
        held(tack.url, `/api/files?name=raw-${i}.bin`, 'PUT', { authorization: `Bearer ${key}` }, randomBytes(EACH)),
      ),
    )
  })

  it('multipart POSTs', async () => {
    await race((key) =>
      Array.from({ length: UPLOADS }, (_, i) => {
        const form = multipart(`part-${i}.bin`, randomBytes(EACH))
        return held(
          tack.url,
          '/api/files',
          'POST',
          { authorization: `Bearer ${key}`, 'content-type': form.type },
          form.body,
        )
      }),
    )
  })

  it('CAR PUTs', async () => {
    const cars = await Promise.all(Array.from({ length: UPLOADS }, () => carOf(randomBytes(EACH))))
    await race((key) =>
      cars.map((car, i) =>
        held(tack.url, `/api/files?name=car-${i}&format=car`, 'PUT', { authorization: `Bearer ${key}` }, car),
      ),
    )
  })

  it('CAR PUTs of folders', async () => {
    // A folder's record is not a file: its CAR must count all the same, before and after Kubo pins it.
    const cars = await Promise.all(Array.from({ length: UPLOADS }, () => carOf(randomBytes(EACH), true)))
    await race((key) =>
      cars.map((car, i) =>
        held(tack.url, `/api/files?name=site-${i}&format=car`, 'PUT', { authorization: `Bearer ${key}` }, car),
      ),
    )
  })
})
