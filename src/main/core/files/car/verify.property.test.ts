// Property tests of verifyCar with hostile CARs that fast-check generates: random blocks, dag-pb nodes linking
// to blocks present, missing or inlined (identity CIDs, nested), blocks given as raw but linked as dag-pb,
// deep chains, wrong hashes, several roots, flipped bytes, truncation and bytes that are no CAR at all.
// Whatever the shape, verifyCar either returns or throws a CoreError BAD_REQUEST, within a bounded time; and
// what it accepts never leaves Kubo something to fetch (every block a walk by Kubo's rules reaches is there).
import * as dagPb from '@ipld/dag-pb'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../config.js'
import { CoreError } from '../../errors.js'
import { carLimits, verifyCar, type VerifyLimits } from './verify.js'
import { carBytes } from '../../../../../tests/fixtures/car.js'

/** The configured defaults. */
const LIMITS = carLimits(parseConfig({ dataDir: '.' }))

type Block = { cid: CID; bytes: Uint8Array }
type Digest = ReturnType<typeof identity.digest>

const digestOf = (bytes: Uint8Array) => sha256.digest(bytes) as unknown as Digest
const RAW = 0x55
const DAG_PB = 0x70

const op = fc.oneof(
  fc.record({ op: fc.constant('raw' as const), bytes: fc.uint8Array({ maxLength: 48 }) }),
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('pb' as const),
      links: fc.array(fc.nat(), { maxLength: 6 }),
      nowhere: fc.boolean(),
      inline: fc.boolean(),
    }),
  },
  fc.record({ op: fc.constant('chain' as const), length: fc.integer({ min: 1, max: 1500 }), inline: fc.boolean() }),
  fc.record({ op: fc.constant('asRaw' as const), pick: fc.nat() }),
)

type Op = typeof op extends fc.Arbitrary<infer T> ? T : never

const shape = fc.record({
  ops: fc.array(op, { minLength: 1, maxLength: 12 }),
  // Mostly one root, the last block built (the top of what the ops made); sometimes none, several or any.
  roots: fc.oneof({ weight: 4, arbitrary: fc.constant<number[]>([-1]) }, fc.array(fc.nat(), { maxLength: 3 })),
  drop: fc.array(fc.boolean(), { maxLength: 16 }),
  wrongHash: fc.option(fc.nat(), { freq: 2 }),
  damage: fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  ),
  limits: fc.option(
    fc.record({
      maxBlocks: fc.integer({ min: 1, max: 40 }),
      maxLinks: fc.integer({ min: 1, max: 40 }),
      maxDepth: fc.integer({ min: 1, max: 40 }),
    }),
    { freq: 2 },
  ),
})

/** Blocks built from the ops; identity nodes are CIDs only (their bytes live inside the CID). */
function build(ops: Op[]) {
  const seed = new Uint8Array([0])
  const pool: Block[] = [{ cid: CID.createV1(RAW, digestOf(seed)), bytes: seed }]
  const inCar: Block[] = [pool[0]!]
  const pick = (n: number) => pool[n % pool.length]!
  const nowhere = (i: number) => CID.createV1(RAW, digestOf(new Uint8Array([0xfe, i & 255, pool.length & 255])))
  const pb = (links: CID[], inline: boolean) => {
    const bytes = dagPb.encode(dagPb.prepare({ Links: links.map((Hash, i) => ({ Hash, Name: `l${i}` })) }))
    const block = { cid: CID.createV1(DAG_PB, inline ? identity.digest(bytes) : digestOf(bytes)), bytes }
    pool.push(block)
    if (!inline) inCar.push(block)
    return block
  }
  ops.forEach((o, i) => {
    if (o.op === 'raw') {
      const block = { cid: CID.createV1(RAW, digestOf(o.bytes)), bytes: o.bytes }
      pool.push(block)
      inCar.push(block)
    } else if (o.op === 'pb') {
      const links = o.links.map((n) => pick(n).cid)
      if (o.nowhere) links.push(nowhere(i))
      pb(links, o.inline)
    } else if (o.op === 'chain') {
      let top = pool.at(-1)!.cid
      for (let k = 0; k < o.length; k++) top = pb([top], o.inline && k % 7 === 0).cid
    } else {
      const b = pick(o.pick)
      if (b.cid.multihash.code !== 0) inCar.push({ cid: CID.createV1(RAW, b.cid.multihash), bytes: b.bytes })
    }
  })
  return { pool, inCar }
}

/** The body as an upload delivers it: in pieces of varying size. */
async function* pieces(bytes: Buffer) {
  for (let at = 0, n = 1; at < bytes.length; at += n, n = (n * 7) % 4093 || 1) yield bytes.subarray(at, at + n)
}

const DEADLINE_MS = 10_000

async function outcome(bytes: Buffer, limits: VerifyLimits): Promise<'ok' | 'refused'> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`verifyCar took over ${DEADLINE_MS} ms`)), DEADLINE_MS)
  })
  try {
    await Promise.race([verifyCar(pieces(bytes), limits), late])
    return 'ok'
  } catch (err) {
    // Anything but a CoreError BAD_REQUEST (a TypeError, a RangeError, the deadline) fails the property.
    if (err instanceof CoreError && err.code === 'BAD_REQUEST') return 'refused'
    throw err
  } finally {
    clearTimeout(timer)
  }
}

describe('verifyCar with generated hostile CARs', () => {
  it('returns or refuses with BAD_REQUEST, in bounded time; what it accepts has every reachable block', async () => {
    await fc.assert(
      fc.asyncProperty(shape, async (s) => {
        const { pool, inCar } = build(s.ops)
        const blocks = inCar.filter((_, i) => !s.drop[i % Math.max(1, s.drop.length)])
        if (s.wrongHash !== null && blocks.length) {
          const i = s.wrongHash % blocks.length
          blocks[i] = { cid: blocks[i]!.cid, bytes: new Uint8Array([...blocks[i]!.bytes, 0]) }
        }
        const roots = s.roots.map((n) => (n < 0 ? pool.at(-1)! : pool[n % pool.length]!).cid)
        let bytes = await carBytes(roots, blocks)
        if (s.damage.kind === 'truncate') bytes = bytes.subarray(0, s.damage.at % (bytes.length + 1))
        if (s.damage.kind === 'flip' && bytes.length) bytes[s.damage.at % bytes.length]! ^= s.damage.xor
        const limits = s.limits ?? LIMITS
        const result = await outcome(bytes, limits)
        if (result === 'ok' && s.damage.kind === 'none' && s.wrongHash === null) {
          expect(roots).toHaveLength(1)
          expect(reachableMissing(roots[0]!, blocks)).toBe(0)
        }
      }),
      { numRuns: 200 },
    )
  }, 300_000)

  it('random bytes and a CAR header followed by garbage are refused with BAD_REQUEST', async () => {
    const root = CID.createV1(RAW, digestOf(new Uint8Array([1])))
    const header = (await carBytes([root], [])).subarray(0)
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), fc.boolean(), async (junk, withHeader) => {
        const body = Buffer.concat([withHeader ? header : Buffer.alloc(0), junk])
        expect(['ok', 'refused']).toContain(await outcome(body, LIMITS))
      }),
      { numRuns: 300 },
    )
  }, 120_000)
})

/** An independent walk by Kubo's rules over the blocks in the CAR (a reference for what verifyCar accepts). */
function reachableMissing(root: CID, blocks: Block[]): number {
  const byHash = new Map(blocks.map((b) => [Buffer.from(b.cid.multihash.bytes).toString('hex'), b]))
  const seen = new Set<string>()
  const todo: CID[] = [root]
  let missing = 0
  while (todo.length) {
    const cid = todo.pop()!
    const key = `${cid.code}:${Buffer.from(cid.multihash.bytes).toString('hex')}`
    if (seen.has(key)) continue
    seen.add(key)
    const bytes =
      cid.multihash.code === 0
        ? cid.multihash.digest
        : byHash.get(Buffer.from(cid.multihash.bytes).toString('hex'))?.bytes
    if (!bytes) {
      missing++
      continue
    }
    if (cid.code === DAG_PB) for (const l of dagPb.decode(bytes).Links) todo.push(l.Hash)
  }
  return missing
}
