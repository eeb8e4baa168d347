// Checking a CAR while it streams: every block's bytes must hash to its CID (sha2-256, or identity for
// inlined blocks), there must be exactly one root, and the root's whole DAG must be in the file (dag-pb
// links followed, raw leaves). Only CIDs are remembered, never block bytes, so memory grows with the
// number of blocks and not with their size. Any failure is a CoreError BAD_REQUEST naming the reason.
import { CarBlockIterator } from '@ipld/car'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { CoreError } from '../errors.js'

const RAW = 0x55
const DAG_PB = 0x70
const SHA2_256 = 0x12
const IDENTITY = 0x00

export interface VerifiedCar {
  root: CID
  blocks: number
  /** Sum of the blocks' sizes. */
  dagBytes: number
  /** The root is a UnixFS folder (plain or sharded). */
  isDirectory: boolean
}

const bad = (details: string, cause?: unknown) => new CoreError('BAD_REQUEST', details, { cause })
const keyOf = (cid: CID) => Buffer.from(cid.multihash.bytes).toString('base64')

export async function verifyCar(source: AsyncIterable<Uint8Array>): Promise<VerifiedCar> {
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
  const present = new Set<string>()
  const wanted = new Set<string>()
  let isDirectory = false
  let blocks = 0
  let dagBytes = 0
  try {
    for await (const { cid, bytes } of iterator) {
      await checkHash(cid, bytes)
      blocks++
      dagBytes += bytes.length
      present.add(keyOf(cid))
      if (cid.code === DAG_PB) {
        const node = decodePb(cid, bytes)
        for (const link of node.Links) if (link.Hash.multihash.code !== IDENTITY) wanted.add(keyOf(link.Hash))
        if (cid.equals(root)) isDirectory = unixfsIsDirectory(node.Data)
      } else if (cid.code !== RAW) {
        throw bad(`block ${cid} uses codec 0x${cid.code.toString(16)}; only dag-pb and raw are accepted`)
      }
    }
  } catch (err) {
    if (err instanceof CoreError) throw err
    throw bad(`the CAR is malformed or truncated: ${(err as Error).message}`, err)
  }
  if (root.code !== DAG_PB && root.code !== RAW) throw bad(`the root ${root} is neither dag-pb nor raw`)
  if (root.multihash.code !== IDENTITY && !present.has(keyOf(root)))
    throw bad(`the root block ${root} is not in the CAR`)
  let missing = 0
  for (const k of wanted) if (!present.has(k)) missing++
  if (missing) throw bad(`the CAR does not hold the whole DAG of ${root}: ${missing} linked block(s) missing`)
  return { root, blocks, dagBytes, isDirectory }
}

async function checkHash(cid: CID, bytes: Uint8Array): Promise<void> {
  const code = cid.multihash.code
  let digest: Uint8Array
  if (code === SHA2_256) digest = (await sha256.digest(bytes)).digest
  else if (code === IDENTITY) digest = bytes
  else throw bad(`block ${cid} uses hash function 0x${code.toString(16)}; only sha2-256 (and identity) are accepted`)
  if (!Buffer.from(digest).equals(Buffer.from(cid.multihash.digest)))
    throw bad(`block ${cid} does not match its CID (its bytes hash to something else)`)
}

function decodePb(cid: CID, bytes: Uint8Array): dagPb.PBNode {
  try {
    return dagPb.decode(bytes)
  } catch (err) {
    throw bad(`block ${cid} is not valid dag-pb: ${(err as Error).message}`, err)
  }
}

function unixfsIsDirectory(data: Uint8Array | undefined): boolean {
  if (!data) return false
  try {
    return UnixFS.unmarshal(data).isDirectory()
  } catch {
    return false
  }
}
