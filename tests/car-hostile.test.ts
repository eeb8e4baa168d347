// Crafted CARs against a real core (Kubo on the local network, MinIO, SQLite): a CAR whose root or an inner
// node is an identity-hashed dag-pb node linking to content nobody has is refused with a 400 and never stalls
// the GC gate; a CAR over the block limit is refused naming it; a CAR such a shape left stored by an older
// Tack fails its pin at once (offline pin) instead of searching the network while holding the gate, also
// after a restart; and a gate-held Kubo call that hangs is cut by its deadline.
import { randomBytes } from 'node:crypto'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGc, createGcGate } from '../src/main/core/kubo/gc.js'
import { silentLogger } from '../src/main/core/log.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { carBytes } from './fixtures/car.js'

type Block = { cid: CID; bytes: Uint8Array }
type Digest = ReturnType<typeof identity.digest>

const RAW = 0x55
const DAG_PB = 0x70
const digestOf = (bytes: Uint8Array) => sha256.digest(bytes) as unknown as Digest

const buildCar = (root: CID, blocks: Block[]) => carBytes([root], blocks)

function pbNode(links: CID[], inline = false): Block {
  const bytes = dagPb.encode(dagPb.prepare({ Links: links.map((Hash, i) => ({ Hash, Name: `l${i}` })) }))
  return { cid: CID.createV1(DAG_PB, inline ? identity.digest(bytes) : digestOf(bytes)), bytes }
}
const raw = (bytes: Uint8Array): Block => ({ cid: CID.createV1(RAW, digestOf(bytes)), bytes })
/** A CID of 1 MiB nobody has: Kubo on the local network searches for it forever. */
const nowhere = () => raw(randomBytes(64)).cid

/** Resolves with what `run` gives, or rejects after `ms` naming what did not finish. */
async function within<T>(ms: number, what: string, run: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      run,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

describe('hostile CARs', () => {
  let tack: TestTack
  const put = (body: Buffer, key?: string) =>
    tack.api('/api/files?name=hostile&format=car', { method: 'PUT', body, key })
  /** A plain upload, pinned, by another account: it must get to `pinned` while the GC gate works. */
  const pinnedUploadWorks = async () => {
    const bob = tack.keyFor('bob', ['files:read', 'files:write'])
    const res = await tack.api('/api/files?name=plain.bin&pin=true', {
      method: 'PUT',
      body: randomBytes(4096),
      key: bob,
    })
    expect(res.status).toBe(201)
    const { cid } = (await res.json()) as { cid: string }
    await expect
      .poll(async () => ((await (await tack.api(`/api/files/${cid}`, { key: bob })).json()) as { state: string }).state)
      .toBe('pinned')
  }

  beforeAll(async () => {
    tack = await startTack({ config: { carMaxBlocks: 10, gcGateTimeoutMs: 60_000 } })
  })
  afterAll(async () => {
    await tack?.destroy()
  })

  it('the 76-byte CAR (identity dag-pb root linking to content nobody has) is refused; GC and other pins go on', async () => {
    const root = pbNode([nowhere()], true)
    const car = await buildCar(root.cid, [])
    expect(car.length).toBeLessThan(100)
    const alice = tack.keyFor('alice', ['files:read', 'files:write'])
    const res = await put(car, alice)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { details: string } }).error.details).toMatch(/linked block\(s\) missing/)
    await within(30_000, 'a GC run after the hostile CAR', tack.core.gc.runNow())
    await pinnedUploadWorks()
  })

  it('an inner identity node linking to content nobody has is refused the same way', async () => {
    const inner = pbNode([pbNode([nowhere()], true).cid], true)
    const leaf = raw(randomBytes(100))
    const root = pbNode([leaf.cid, inner.cid])
    const res = await put(await buildCar(root.cid, [root, leaf]))
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { details: string } }).error.details).toMatch(/1 linked block\(s\) missing/)
    await within(30_000, 'a GC run after the hostile CAR', tack.core.gc.runNow())
    await pinnedUploadWorks()
  })

  it('a CAR over the block limit is refused with a 400 naming it; one at the limit is taken', async () => {
    const leaves = Array.from({ length: 12 }, () => raw(randomBytes(32)))
    const root = pbNode(leaves.map((l) => l.cid))
    const res = await put(await buildCar(root.cid, [root, ...leaves]))
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { reason: string; details: string } }).error).toMatchObject({
      reason: 'BAD_REQUEST',
      details: expect.stringMatching(/more than 10 blocks.*TACK_CAR_MAX_BLOCKS/),
    })
    const fits = pbNode(leaves.slice(0, 9).map((l) => l.cid))
    const ok = await put(await buildCar(fits.cid, [fits, ...leaves.slice(0, 9)]))
    expect(ok.status).toBe(201)
  })
})

describe('a hostile CAR an older Tack stored', () => {
  it('after a restart, fails its pin at once (its DAG is checked offline before the pin), says why, and never holds up GC', async () => {
    let tack = await startTack({ config: { gcGateTimeoutMs: 60_000 } })
    try {
      // What the old check let in: an identity root whose link nobody has, stored and left `pinning`.
      const root = pbNode([nowhere()], true)
      const car = await buildCar(root.cid, [])
      const cid = root.cid.toString()
      const key = `uploads/hostile-${Date.now()}`
      const writer = tack.core.objectStorage.store.writer(key)
      await writer.write(car)
      await writer.finish()
      const { repo } = tack.core.files
      const owner = tack.core.state.accounts.ensureOwner()
      repo.insertBlob({ cid, object_key: key, size: car.length })
      tack.core.state.db.prepare("UPDATE blobs SET format = 'car' WHERE cid = ?").run(cid)
      const row = {
        account_id: owner.id,
        cid,
        multihash: Buffer.from(root.cid.multihash.bytes).toString('hex'),
        kind: 'file' as const,
        name: 'old.car',
        path: null,
        size: 0,
        mime: 'application/octet-stream',
        created_at: Date.now(),
      }
      repo.insertFile(row, 'pinning')
      const dataDir = tack.dataDir
      await tack.stop()
      // The restart resumes the job, as after a crash mid-pin.
      tack = await startTack({ dataDir, config: { gcGateTimeoutMs: 60_000 } })
      const state = async () =>
        (await (await tack.api(`/api/files/${cid}`)).json()) as { state: string; details?: string }
      await expect.poll(async () => (await state()).state).toBe('failed')
      expect((await state()).details).toMatch(/does not hold its whole DAG/)
      await within(30_000, 'a GC run after the resumed job', tack.core.gc.runNow())
      const status = (await (await tack.api('/api/status')).json()) as { jobs: { pinning: unknown[]; stalled: number } }
      expect(status.jobs).toMatchObject({ pinning: [], stalled: 0 })
    } finally {
      await tack.destroy()
    }
  })
})

describe('the GC gate', () => {
  it('a gate-held Kubo call that hangs (a pin of a CID nobody has) is cut by its deadline; the gate is free after', async () => {
    const tack = await startTack()
    try {
      const gate = createGcGate()
      const kubo = tack.core.kubo.client
      const gc = createGc({
        // The run's own call is one that never ends on the local network: Kubo searches for the CID forever.
        kubo: { repoGc: async (signal) => (await kubo.pinAdd(nowhere().toString(), undefined, signal), 0) },
        delayMs: 60_000,
        timeoutMs: 1_500,
        gate,
        db: tack.core.state.db,
        log: silentLogger,
      })
      const started = Date.now()
      await expect(within(30_000, 'the gate-held call', gc.runNow())).rejects.toThrow(/abort|timeout/i)
      expect(Date.now() - started).toBeLessThan(20_000)
      expect(gate.state()).toEqual({ holders: 0 })
      await within(
        5_000,
        'a job after the cut',
        gate.hold(async () => 'ran'),
      )
      await gc.stop()
    } finally {
      await tack.destroy()
    }
  })
})
