// The backup archive's format, shared by export and import. A tar (ustar/pax, as tar-stream writes it):
//   tack.db              a consistent SQLite snapshot (better-sqlite3's online backup; serve keeps running)
//   objects/<key>        every stored object the snapshot's blobs name (uploads' bytes, CAR uploads' CARs)
//   car/<cid>.car        one CAR per CID Kubo holds pinned for the snapshot (pin objects, pinned uploads)
//   manifest.json        last: the format, the counts, and each entry's size and SHA-256
// Import refuses an archive whose manifest is missing, names an entry that is absent, or whose entries do
// not match their size and checksum (a truncated or tampered archive).
import { createHash, type Hash } from 'node:crypto'

export const ARCHIVE_FORMAT = 'tack-backup'
export const ARCHIVE_VERSION = 1
export const DB_ENTRY = 'tack.db'
export const MANIFEST_ENTRY = 'manifest.json'
export const OBJECTS_DIR = 'objects/'
export const CARS_DIR = 'car/'

export interface ManifestEntry {
  path: string
  size: number
  sha256: string
}

export interface Manifest {
  format: typeof ARCHIVE_FORMAT
  version: number
  created: string
  tackVersion: string
  counts: { accounts: number; keys: number; pins: number; files: number; objects: number; cars: number }
  entries: ManifestEntry[]
}

/** Hashes and counts the bytes that pass through it. */
export function checksum(): { hash: Hash; size: number; update(chunk: Uint8Array): void; hex(): string } {
  const hash = createHash('sha256')
  const c = {
    hash,
    size: 0,
    update(chunk: Uint8Array) {
      hash.update(chunk)
      c.size += chunk.length
    },
    hex: () => hash.digest('hex'),
  }
  return c
}

export type Progress = (event: { phase: string; done: number; total: number; bytes: number }) => void
