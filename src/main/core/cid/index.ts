// The one home of CID helpers. Parsing CIDs as clients send them (any multibase, v0 or v1) and the key content
// is compared by: the multihash. A `Qm...` and its `bafy...` form are the same content; the string sent is
// kept for echoing. Computing a file's CID from its bytes is unixfs.ts beside this.
import { bases } from 'multiformats/basics'
import { CID } from 'multiformats/cid'
import { CoreError } from '../errors.js'

const IDENTITY = 0x00

// Every multibase multiformats knows (base32, base36, base58btc, base64...), by its prefix.
const DECODERS = new Map<string, { decode(s: string): Uint8Array }>(
  Object.values(bases).map((b) => [b.prefix, b.decoder] as const),
)

export interface ParsedCid {
  /** Exactly as given. */
  cid: string
  /** Hex of the multihash bytes. */
  multihash: string
  /** Inlined data: nothing to fetch. */
  identity: boolean
  /** For identity CIDs, the size of the inlined data. */
  inlineSize: number
}

export function parseCid(value: string): ParsedCid {
  // The identity multibase carries raw bytes after its NUL prefix: `/`, `..`, `?` or `#` in a string Tack
  // keeps to echo. No IPFS tool writes CIDs in it.
  if (value.startsWith('\0')) throw new CoreError('BAD_REQUEST', 'CIDs in the identity multibase are not accepted')
  const cid = parsed(value)
  return {
    cid: value,
    multihash: multihashHex(cid),
    identity: cid.multihash.code === IDENTITY,
    inlineSize: cid.multihash.size,
  }
}

function parsed(value: string): CID {
  try {
    // Without a decoder, CID.parse reads base32 and the prefix-less base58btc of CIDv0 (`Qm...`).
    const prefix = String.fromCodePoint(value.codePointAt(0) ?? 0)
    const decoder = value.startsWith('Q') ? undefined : DECODERS.get(prefix)
    return CID.parse(value, decoder as Parameters<typeof CID.parse>[1])
  } catch (err) {
    throw new CoreError('BAD_REQUEST', `"${value.slice(0, 120)}" is not a valid CID: ${(err as Error).message}`)
  }
}

/**
 * The CID's canonical string (v0 in base58btc, v1 in base32), for what Tack sends on: the form a client
 * sent is for echoing back to it, and may hold `/` (base64) or anything (the identity multibase).
 */
export function canonicalCid(value: string): string {
  return parsed(value).toString()
}

/** The multihash key of a CID Kubo reports, or undefined if it does not parse. */
export function multihashOf(value: string): string | undefined {
  try {
    return parseCid(value).multihash
  } catch {
    return undefined
  }
}

/** Hex of a CID's multihash bytes: the key content is compared and stored by. */
export const multihashHex = (cid: CID): string => Buffer.from(cid.multihash.bytes).toString('hex')

/** The multihash key of a CID Tack wrote itself (base32 or `Qm...`); throws on anything else. */
export const multihashOfCid = (cid: string): string => multihashHex(CID.parse(cid))

/** A CID Tack wrote itself, in its v1 form; throws on anything else. */
export const cidV1 = (cid: string): string => CID.parse(cid).toV1().toString()
