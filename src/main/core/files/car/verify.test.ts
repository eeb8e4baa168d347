// verifyCar on CARs built in memory: what passes, and each reason a CAR is refused.
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../config.js'
import { carLimits, verifyCar } from './verify.js'
import { carBytes } from '../../../../../tests/fixtures/car.js'

/** The configured defaults. */
const LIMITS = carLimits(parseConfig({ dataDir: '.' }))

type Block = { cid: CID; bytes: Uint8Array }

const car = async (roots: CID[], blocks: Block[]): Promise<Uint8Array[]> => [await carBytes(roots, blocks)]
const from = (chunks: Uint8Array[]) =>
  (async function* () {
    yield* chunks
  })()
const raw = async (bytes: Uint8Array): Promise<Block> => ({
  cid: CID.createV1(0x55, await sha256.digest(bytes)),
  bytes,
})
async function dir(links: Block[]): Promise<Block> {
  const bytes = dagPb.encode(
    dagPb.prepare({
      Data: new UnixFS({ type: 'directory' }).marshal(),
      Links: links.map((l, i) => ({ Hash: l.cid, Name: `f${i}`, Tsize: l.bytes.length })),
    }),
  )
  return { cid: CID.createV1(0x70, await sha256.digest(bytes)), bytes }
}

/** A dag-pb node (no UnixFS data) linking to these CIDs, hashed with sha2-256 or inlined as an identity CID. */
function pbNode(links: CID[], inline = false): Block {
  const bytes = dagPb.encode(dagPb.prepare({ Links: links.map((Hash, i) => ({ Hash, Name: `l${i}` })) }))
  const digest = inline ? identity.digest(bytes) : undefined
  return { cid: CID.createV1(0x70, digest ?? sha256Sync(bytes)), bytes }
}
const sha256Sync = (bytes: Uint8Array) => sha256.digest(bytes) as Awaited<ReturnType<typeof sha256.digest>>
/** A sha2-256 CID of bytes nobody has. */
const nowhere = async () => CID.createV1(0x55, await sha256.digest(crypto.getRandomValues(new Uint8Array(16))))

describe('verifyCar', () => {
  it('accepts a whole DAG with one root and reports it', async () => {
    const a = await raw(new Uint8Array([1, 2, 3]))
    const b = await raw(new Uint8Array([4, 5]))
    const root = await dir([a, b])
    const result = await verifyCar(from(await car([root.cid], [root, a, b])), LIMITS)
    expect(result.root.equals(root.cid)).toBe(true)
    expect(result).toMatchObject({ blocks: 3, isDirectory: true, dagBytes: root.bytes.length + 5 })
  })

  it('refuses a block whose bytes do not hash to its CID', async () => {
    const a = await raw(new Uint8Array([1, 2, 3]))
    await expect(
      verifyCar(from(await car([a.cid], [{ cid: a.cid, bytes: new Uint8Array([9]) }])), LIMITS),
    ).rejects.toThrow(/does not match its CID/)
  })

  it('refuses a missing block, several roots, no root block, another hash function and a non-CAR', async () => {
    const a = await raw(new Uint8Array([1]))
    const b = await raw(new Uint8Array([2]))
    const root = await dir([a, b])
    await expect(verifyCar(from(await car([root.cid], [root, a])), LIMITS)).rejects.toThrow(
      /1 linked block\(s\) missing/,
    )
    await expect(verifyCar(from(await car([a.cid, b.cid], [a, b])), LIMITS)).rejects.toThrow(/exactly one root/)
    await expect(verifyCar(from(await car([root.cid], [a, b])), LIMITS)).rejects.toThrow(
      /root block .* is not in the CAR/,
    )
    const bytes = new Uint8Array([7])
    const other = CID.createV1(0x55, await sha512.digest(bytes))
    await expect(verifyCar(from(await car([other], [{ cid: other, bytes }])), LIMITS)).rejects.toThrow(/only sha2-256/)
    await expect(verifyCar(from([new Uint8Array([1, 2, 3, 4, 5])]), LIMITS)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    })
  })

  it('follows the links of an identity root, as Kubo does: content nobody has is refused', async () => {
    const root = pbNode([await nowhere()], true)
    const bytes = await car([root.cid], [])
    // The 76-byte CAR of the report: the root inlined, one link to a random sha2-256 CID.
    expect(Buffer.concat(bytes).length).toBeLessThan(100)
    await expect(verifyCar(from(bytes), LIMITS)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: expect.stringMatching(/1 linked block\(s\) missing/),
    })
  })

  it('follows an inner identity node (nested too) and accepts it when what it links to is in the CAR', async () => {
    const leaf = await raw(new Uint8Array([1, 2, 3]))
    const missing = pbNode([pbNode([await nowhere()], true).cid], true)
    const refused = pbNode([leaf.cid, missing.cid])
    await expect(verifyCar(from(await car([refused.cid], [refused, leaf])), LIMITS)).rejects.toThrow(/missing/)
    const inner = pbNode([pbNode([leaf.cid], true).cid], true)
    const root = pbNode([inner.cid])
    const ok = await verifyCar(from(await car([root.cid], [root, leaf])), LIMITS)
    expect(ok).toMatchObject({ blocks: 2 })
  })

  it('refuses a block given as raw but linked as dag-pb (Kubo would decode it and follow its links)', async () => {
    const hidden = pbNode([await nowhere()])
    const asRaw = CID.createV1(0x55, hidden.cid.multihash)
    const root = pbNode([hidden.cid])
    await expect(
      verifyCar(from(await car([root.cid], [root, { cid: asRaw, bytes: hidden.bytes }])), LIMITS),
    ).rejects.toThrow(/linked as dag-pb is in the CAR only as raw/)
  })

  it('refuses links with other codecs and identity CIDs longer than Kubo takes', async () => {
    const cbor = CID.createV1(0x71, identity.digest(new Uint8Array([0xa0])))
    const root = pbNode([cbor])
    await expect(verifyCar(from(await car([root.cid], [root])), LIMITS)).rejects.toThrow(
      /codec 0x71; only dag-pb and raw/,
    )
    const long = CID.createV1(0x55, identity.digest(new Uint8Array(129)))
    const holder = pbNode([long])
    await expect(verifyCar(from(await car([holder.cid], [holder])), LIMITS)).rejects.toThrow(/at most 128/)
  })

  it('names the block, link and depth limits when a CAR goes past them', async () => {
    const leaves = await Promise.all([1, 2, 3, 4].map((n) => raw(new Uint8Array([n]))))
    const root = pbNode(leaves.map((l) => l.cid))
    const blocks = [root, ...leaves]
    const limits = { ...LIMITS }
    await expect(verifyCar(from(await car([root.cid], blocks)), { ...limits, maxBlocks: 4 })).rejects.toThrow(
      /more than 4 blocks, the limit for one CAR \(TACK_CAR_MAX_BLOCKS\)/,
    )
    await expect(verifyCar(from(await car([root.cid], blocks)), { ...limits, maxLinks: 3 })).rejects.toThrow(
      /more than 3 links.*TACK_CAR_MAX_LINKS/,
    )
    expect(await verifyCar(from(await car([root.cid], blocks)), { ...limits, maxBlocks: 5 })).toMatchObject({
      blocks: 5,
    })
    const chain = [await raw(new Uint8Array([9]))] as Block[]
    for (let i = 0; i < 20; i++) chain.unshift(pbNode([chain[0]!.cid]))
    const deep = await car([chain[0]!.cid], chain)
    await expect(verifyCar(from(deep), { ...limits, maxDepth: 19 })).rejects.toThrow(
      /more than 19 levels deep.*TACK_CAR_MAX_DEPTH/,
    )
    expect(await verifyCar(from(deep), { ...limits, maxDepth: 20 })).toMatchObject({ blocks: 21 })
  })

  it('a CAR of many tiny blocks leaves the event loop free (no gap over 200 ms while it is checked)', async () => {
    const leaves = Array.from({ length: 20_000 }, (_, i) => {
      const bytes = new Uint8Array([i & 255, i >> 8])
      return { cid: CID.createV1(0x55, sha256Sync(bytes)), bytes }
    })
    const roots: Block[] = []
    for (let i = 0; i < leaves.length; i += 1000) roots.push(pbNode(leaves.slice(i, i + 1000).map((l) => l.cid)))
    const top = pbNode(roots.map((r) => r.cid))
    const chunks = await car([top.cid], [top, ...roots, ...leaves])
    let last = performance.now()
    let worst = 0
    const tick = setInterval(() => {
      worst = Math.max(worst, performance.now() - last)
      last = performance.now()
    }, 5)
    try {
      last = performance.now()
      expect(await verifyCar(from(chunks), LIMITS)).toMatchObject({ blocks: 1 + roots.length + leaves.length })
      // The stretch since the last tick counts too (a check that never yields has no tick at all).
      worst = Math.max(worst, performance.now() - last)
    } finally {
      clearInterval(tick)
    }
    expect(worst).toBeLessThan(200)
  }, 30_000)
})
