// verifyCar on CARs built in memory: what passes, and each reason a CAR is refused.
import { CarWriter } from '@ipld/car'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { verifyCar } from './verify.js'

type Block = { cid: CID; bytes: Uint8Array }

async function car(roots: CID[], blocks: Block[]): Promise<Uint8Array[]> {
  const { writer, out } = CarWriter.create(roots)
  const chunks: Uint8Array[] = []
  const reading = (async () => {
    for await (const c of out) chunks.push(c)
  })()
  for (const b of blocks) await writer.put(b)
  await writer.close()
  await reading
  return chunks
}
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

describe('verifyCar', () => {
  it('accepts a whole DAG with one root and reports it', async () => {
    const a = await raw(new Uint8Array([1, 2, 3]))
    const b = await raw(new Uint8Array([4, 5]))
    const root = await dir([a, b])
    const result = await verifyCar(from(await car([root.cid], [root, a, b])))
    expect(result.root.equals(root.cid)).toBe(true)
    expect(result).toMatchObject({ blocks: 3, isDirectory: true, dagBytes: root.bytes.length + 5 })
  })

  it('refuses a block whose bytes do not hash to its CID', async () => {
    const a = await raw(new Uint8Array([1, 2, 3]))
    await expect(verifyCar(from(await car([a.cid], [{ cid: a.cid, bytes: new Uint8Array([9]) }])))).rejects.toThrow(
      /does not match its CID/,
    )
  })

  it('refuses a missing block, several roots, no root block, another hash function and a non-CAR', async () => {
    const a = await raw(new Uint8Array([1]))
    const b = await raw(new Uint8Array([2]))
    const root = await dir([a, b])
    await expect(verifyCar(from(await car([root.cid], [root, a])))).rejects.toThrow(/1 linked block\(s\) missing/)
    await expect(verifyCar(from(await car([a.cid, b.cid], [a, b])))).rejects.toThrow(/exactly one root/)
    await expect(verifyCar(from(await car([root.cid], [a, b])))).rejects.toThrow(/root block .* is not in the CAR/)
    const bytes = new Uint8Array([7])
    const other = CID.createV1(0x55, await sha512.digest(bytes))
    await expect(verifyCar(from(await car([other], [{ cid: other, bytes }])))).rejects.toThrow(/only sha2-256/)
    await expect(verifyCar(from([new Uint8Array([1, 2, 3, 4, 5])]))).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })
})
