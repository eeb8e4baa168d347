// CIDs exactly as `ipfs add --cid-version=1` makes them, computed while the bytes stream past. Every option
// is spelled out so that a new importer default can never change a CID, and the blockstore keeps nothing:
// the bytes live in the object store, and Kubo rebuilds the blocks itself when the CID is pinned.
import { importer, type ImportCandidate, type ImporterOptions, type WritableStorage } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'

export const CHUNK_SIZE = 262_144
export const MAX_CHILDREN_PER_NODE = 174

export const KUBO_V1_OPTIONS: ImporterOptions = {
  cidVersion: 1,
  rawLeaves: true,
  reduceSingleLeafToSelf: true,
  chunker: fixedSize({ chunkSize: CHUNK_SIZE }),
  layout: balanced({ maxChildrenPerNode: MAX_CHILDREN_PER_NODE }),
  // Kubo's defaults for folders: a HAMT above 256 KiB of links, estimated by link bytes.
  shardSplitThresholdBytes: 262_144,
  shardSplitStrategy: 'links-bytes',
  // One file at a time: multipart parts arrive in order, and the next cannot be read before this one is.
  fileImportConcurrency: 1,
}

/** A blockstore that only hands the CID back: memory stays flat whatever the size. */
export const DISCARD: WritableStorage = { put: async (cid) => cid }

export interface ImportedEntry {
  cid: string
  path: string
  isDirectory: boolean
}

/** Imports candidates, yielding each file as it completes and then the folders (wrapped in a root `''`). */
export async function* importEntries(
  source: AsyncIterable<ImportCandidate>,
  options: { wrapWithDirectory: boolean },
): AsyncGenerator<ImportedEntry> {
  for await (const entry of importer(source, DISCARD, {
    ...KUBO_V1_OPTIONS,
    wrapWithDirectory: options.wrapWithDirectory,
  })) {
    yield { cid: entry.cid.toString(), path: entry.path ?? '', isDirectory: entry.unixfs?.isDirectory() ?? false }
  }
}

/** The CID of one byte stream (a file without a path). */
export async function cidOf(content: AsyncIterable<Uint8Array>): Promise<string> {
  let cid: string | undefined
  for await (const entry of importEntries(
    (async function* () {
      yield { content }
    })(),
    { wrapWithDirectory: false },
  ))
    cid = entry.cid
  if (!cid) throw new Error('the importer produced no CID')
  return cid
}
