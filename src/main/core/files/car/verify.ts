// Checking a CAR while it streams: every block's bytes must hash to its CID (sha2-256, or identity for
// inlined blocks), there must be exactly one root, and everything Kubo's `pin add` of that root would
// fetch must be in the file. The DAG is walked by Kubo's rules, not by what the CAR claims: an identity CID
// (in a link or as the root) is decoded as the block it inlines and its links are followed; a block is
// decoded by the codec it is linked with; only dag-pb and raw are accepted. The walk is bounded (blocks,
// links, depth: dag-index.ts) and yields to the event loop every few milliseconds, so a CAR of millions of
// tiny blocks neither grows memory without end nor stalls other requests. Only block keys are remembered,
// never block bytes. Any failure is a CoreError BAD_REQUEST naming the reason (or the limit).
import { CarBlockIterator } from '@ipld/car'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { ConfigSchema, type Config } from '../../config.js'
import { CoreError } from '../../errors.js'
import { DagIndex, type DagLimits } from './dag-index.js'

const RAW = 0x55
const DAG_PB = 0x70
const SHA2_256 = 0x12
const IDENTITY = 0x00
/** Kubo (boxo's verifcid) refuses identity CIDs whose digest is longer than this. */
const MAX_IDENTITY_DIGEST = 128
/** Work between two turns of the event loop. */
const SLICE_MS = 8

export type VerifyLimits = DagLimits

/** The limits as configured (TACK_CAR_MAX_BLOCKS, TACK_CAR_MAX_LINKS, TACK_CAR_MAX_DEPTH). */
export const carLimits = (config: Pick<Config, 'carMaxBlocks' | 'carMaxLinks' | 'carMaxDepth'>): VerifyLimits => ({
  maxBlocks: config.carMaxBlocks,
  maxLinks: config.carMaxLinks,
  maxDepth: config.carMaxDepth,
})

/** config.ts's defaults, for callers that have no Config at hand (backup import). */
const DEFAULT_LIMITS = carLimits(
  ConfigSchema.pick({ carMaxBlocks: true, carMaxLinks: true, carMaxDepth: true }).parse({}),
)

export interface VerifiedCar {
  root: CID
  blocks: number
  /** Sum of the blocks' sizes. */
  dagBytes: number
  /** The root is a UnixFS folder (plain or sharded). */
  isDirectory: boolean
}

const bad = (details: string, cause?: unknown) => new CoreError('BAD_REQUEST', details, { cause })

export async function verifyCar(
  source: AsyncIterable<Uint8Array>,
  limits: VerifyLimits = DEFAULT_LIMITS,
): Promise<VerifiedCar> {
  let iterator: CarBlockIterator
  try {
    iterator = await CarBlockIterator.fromIterable(source)
  } catch (err) {
    if (err instanceof CoreError) throw err
    throw bad(`not a CAR file: ${(err as Error).message}`, err)
  }
  const roots = await iterator.getRoots()
  if (roots.length !== 1) throw bad(`a CAR upload must have exactly one root; this one has ${roots.length}`)
  const root = roots[0]!
  const dag = new DagIndex(limits)
  const pause = pacer()
  let isDirectory = false
  let blocks = 0
  let dagBytes = 0
  try {
    checkCodec(root)
    const rootId = nodeOf(dag, root)
    dag.want(rootId, root.code === DAG_PB)
    if (root.multihash.code === IDENTITY && root.code === DAG_PB) isDirectory = unixfsIsDirectory(root.multihash.digest)
    for await (const { cid, bytes } of iterator) {
      await pause()
      checkCodec(cid)
      await checkHash(cid, bytes)
      if (++blocks > limits.maxBlocks)
        throw bad(`the CAR has more than ${limits.maxBlocks} blocks, the limit for one CAR (TACK_CAR_MAX_BLOCKS)`)
      dagBytes += bytes.length
      const id = dag.node(cid.multihash.bytes)
      if (cid.code === DAG_PB && !dag.hasPb(id)) {
        addNode(dag, id, cid, bytes)
        if (id === rootId && root.code === DAG_PB) isDirectory = unixfsIsDirectory(bytes)
      } else if (cid.code === RAW) dag.markPresent(id, false)
    }
    const { missing } = await dag.walk(rootId, pause)
    if (!dag.isPresent(rootId)) throw bad(`the root block ${root} is not in the CAR`)
    if (missing) throw bad(`the CAR does not hold the whole DAG of ${root}: ${missing} linked block(s) missing`)
  } catch (err) {
    if (err instanceof CoreError) throw err
    throw bad(`the CAR is malformed or truncated: ${(err as Error).message}`, err)
  }
  return { root, blocks, dagBytes, isDirectory }
}

/** The node of a CID; an identity CID is its own block, decoded (and its links followed) on first sight. */
function nodeOf(dag: DagIndex, cid: CID): number {
  if (cid.multihash.code !== IDENTITY) return dag.node(cid.multihash.bytes)
  if (cid.multihash.digest.length > MAX_IDENTITY_DIGEST)
    throw bad(`${cid} inlines ${cid.multihash.digest.length} bytes; Kubo accepts at most ${MAX_IDENTITY_DIGEST}`)
  const id = dag.node(cid.multihash.bytes)
  if (cid.code !== DAG_PB) dag.markPresent(id, false)
  else if (!dag.hasPb(id)) addNode(dag, id, cid, cid.multihash.digest)
  return id
}

/** Records a dag-pb block as present and its links, each decoded by the codec it is linked with. */
function addNode(dag: DagIndex, id: number, cid: CID, bytes: Uint8Array): void {
  const node = decodePb(cid, bytes)
  // Marked before its links are read: an identity child that inlines this very block is then not decoded again.
  dag.markPresent(id, true)
  for (const { Hash } of node.Links) {
    checkCodec(Hash)
    const child = nodeOf(dag, Hash)
    dag.link(id, child)
    dag.want(child, Hash.code === DAG_PB)
  }
}

function checkCodec(cid: CID): void {
  if (cid.code !== DAG_PB && cid.code !== RAW)
    throw bad(`${cid} uses codec 0x${cid.code.toString(16)}; only dag-pb and raw are accepted`)
  const hash = cid.multihash.code
  if (hash !== SHA2_256 && hash !== IDENTITY)
    throw bad(`${cid} uses hash function 0x${hash.toString(16)}; only sha2-256 (and identity) are accepted`)
}

async function checkHash(cid: CID, bytes: Uint8Array): Promise<void> {
  const digest = cid.multihash.code === SHA2_256 ? (await sha256.digest(bytes)).digest : bytes
  if (!Buffer.from(digest).equals(Buffer.from(cid.multihash.digest)))
    throw bad(`block ${cid} does not match its CID (its bytes hash to something else)`)
}

/** Resolves at once, except every SLICE_MS of work, when it waits for one turn of the event loop. */
function pacer(): () => Promise<void> {
  let since = performance.now()
  return async () => {
    if (performance.now() - since < SLICE_MS) return
    await new Promise<void>((resolve) => setImmediate(resolve))
    since = performance.now()
  }
}

function decodePb(cid: CID, bytes: Uint8Array): dagPb.PBNode {
  try {
    return dagPb.decode(bytes)
  } catch (err) {
    throw bad(`block ${cid} is not valid dag-pb: ${(err as Error).message}`, err)
  }
}

function unixfsIsDirectory(data: Uint8Array): boolean {
  let node: dagPb.PBNode
  try {
    node = dagPb.decode(data)
  } catch {
    return false
  }
  if (!node.Data) return false
  try {
    return UnixFS.unmarshal(node.Data).isDirectory()
  } catch {
    return false
  }
}
