// The shape of a CAR's DAG as Kubo will walk it, kept compact while the CAR streams past: one small
// integer per distinct block (keyed by its multihash bytes, the key Kubo's blockstore uses), a flag byte per
// block, and the links as pairs of integers. Block bytes are never kept. After the last block, walk() goes
// from the root the way `pin add` does and says what Kubo would still have to fetch.
//
// Memory is bounded by the limits: at most maxBlocks distinct blocks (present, linked or inlined) and at most
// maxLinks links; going past either is a CoreError BAD_REQUEST that names the limit.
import { CoreError } from '../../errors.js'

/** The block is in the CAR (or inlined in an identity CID) and was read as raw bytes. */
const PRESENT_RAW = 1
/** The block is in the CAR (or inlined) and was decoded as dag-pb: its links are recorded. */
const PRESENT_PB = 2
/** Some node links to it as dag-pb: Kubo will decode it and follow its links. */
const WANTED_PB = 4

export interface DagLimits {
  /** Distinct blocks in one DAG (TACK_CAR_MAX_BLOCKS). */
  maxBlocks: number
  /** Links in one DAG (TACK_CAR_MAX_LINKS). */
  maxLinks: number
  /** Levels below the root (TACK_CAR_MAX_DEPTH). */
  maxDepth: number
}

export interface WalkResult {
  /** Reachable blocks that are neither in the CAR nor inlined. */
  missing: number
  /** Longest chain of links from the root. */
  depth: number
}

const bad = (details: string) => new CoreError('BAD_REQUEST', details)

/** A growable typed array, so a million entries cost 4 MB and not a million heap objects. */
class Int32List {
  data = new Int32Array(1024)
  length = 0
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = v
  }
}

export class DagIndex {
  // A latin1 string of the multihash bytes: one byte per character, the smallest string V8 makes of them
  // (base64 took 48 characters, and two Sets held each block twice). V8 seeds its string hashes per
  // process, so crafted multihashes cannot pile into one bucket.
  private readonly ids = new Map<string, number>()
  private flags = new Uint8Array(1024)
  private readonly from = new Int32List()
  private readonly to = new Int32List()

  constructor(private readonly limits: DagLimits) {}

  get size(): number {
    return this.ids.size
  }

  /** The node of this multihash, made on first sight. */
  node(multihash: Uint8Array): number {
    const key = latin1(multihash)
    let id = this.ids.get(key)
    if (id !== undefined) return id
    id = this.ids.size
    if (id >= this.limits.maxBlocks)
      throw bad(
        `the CAR's DAG has more than ${this.limits.maxBlocks} blocks, the limit for one CAR (TACK_CAR_MAX_BLOCKS)`,
      )
    this.ids.set(key, id)
    if (id >= this.flags.length) {
      const next = new Uint8Array(this.flags.length * 2)
      next.set(this.flags)
      this.flags = next
    }
    return id
  }

  markPresent(id: number, decodedAsPb: boolean): void {
    this.flags[id]! |= decodedAsPb ? PRESENT_PB : PRESENT_RAW
  }

  isPresent(id: number): boolean {
    return (this.flags[id]! & (PRESENT_PB | PRESENT_RAW)) !== 0
  }

  hasPb(id: number): boolean {
    return (this.flags[id]! & PRESENT_PB) !== 0
  }

  link(parent: number, child: number): void {
    if (this.from.length >= this.limits.maxLinks)
      throw bad(`the CAR's DAG has more than ${this.limits.maxLinks} links, the limit for one CAR (TACK_CAR_MAX_LINKS)`)
    this.from.push(parent)
    this.to.push(child)
  }

  /** Notes how Kubo will read this block when it gets there: as dag-pb (links followed) or as raw. */
  want(id: number, asPb: boolean): void {
    if (asPb) this.flags[id]! |= WANTED_PB
  }

  /**
   * Walks from the root as Kubo's pin does, iteratively (no stack to overflow): counts the reachable blocks
   * that are missing and measures the longest chain. A block linked as dag-pb but given only as raw is
   * refused: Kubo would decode it and follow links this check never saw. Yields to the event loop now and
   * then through `pause` so a large DAG does not hold up other requests.
   */
  async walk(root: number, pause: () => Promise<void>): Promise<WalkResult> {
    const n = this.ids.size
    const { start, children } = this.adjacency(n)
    // 0: not seen, 1: on the path, 2: done (depth known).
    const state = new Uint8Array(n)
    const depth = new Int32Array(n)
    const stack = new Int32List()
    const cursor = new Int32Array(n)
    let missing = 0
    let steps = 0
    stack.push(root)
    state[root] = 1
    while (stack.length) {
      if (++steps % 4096 === 0) await pause()
      const id = stack.data[stack.length - 1]!
      if (cursor[id] === 0) missing += this.checkReached(id)
      const at = start[id]! + cursor[id]!
      if (at < start[id + 1]!) {
        cursor[id]!++
        const child = children[at]!
        // Content addressing makes cycles impossible with correct hashes; refuse rather than loop if one appears.
        if (state[child] === 1) throw bad('the CAR links a block to itself through its own children')
        if (state[child] === 0) {
          state[child] = 1
          if (stack.length > this.limits.maxDepth) throw this.tooDeep()
          stack.push(child)
        } else depth[id] = Math.max(depth[id]!, depth[child]! + 1)
        continue
      }
      stack.length--
      state[id] = 2
      if (depth[id]! > this.limits.maxDepth) throw this.tooDeep()
      if (stack.length) {
        const parent = stack.data[stack.length - 1]!
        depth[parent] = Math.max(depth[parent]!, depth[id]! + 1)
      }
    }
    return { missing, depth: depth[root]! }
  }

  private tooDeep(): CoreError {
    return bad(
      `the CAR's DAG is more than ${this.limits.maxDepth} levels deep, the limit for one CAR (TACK_CAR_MAX_DEPTH)`,
    )
  }

  /** 1 when this reachable block is missing; throws when Kubo would read it other than it was checked. */
  private checkReached(id: number): number {
    const f = this.flags[id]!
    if (!(f & (PRESENT_PB | PRESENT_RAW))) return 1
    if (f & WANTED_PB && !(f & PRESENT_PB))
      throw bad('a block linked as dag-pb is in the CAR only as raw; Kubo would follow links this check cannot see')
    return 0
  }

  /** Links grouped by parent (counting sort): start[i]..start[i+1] index the children of node i. */
  private adjacency(n: number): { start: Int32Array; children: Int32Array } {
    const start = new Int32Array(n + 1)
    const m = this.from.length
    for (let i = 0; i < m; i++) start[this.from.data[i]! + 1]!++
    for (let i = 0; i < n; i++) start[i + 1]! += start[i]!
    const fill = start.slice(0, n)
    const children = new Int32Array(m)
    for (let i = 0; i < m; i++) children[fill[this.from.data[i]!]!++] = this.to.data[i]!
    return { start, children }
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}
