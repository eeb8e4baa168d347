// What `/api/gateway/{cid}/{path}` names, parsed once at the door: a CID and clean path segments. Every
// later step (the database lookup, the URL to Kubo's gateway, the redirect, the ETag) is built from these
// parts, never from the request text, so no spelling of `..` can walk out of the CID that was asked for.
//
// The router hands us its parameters decoded once. A segment may still be percent-encoded (`%252e` arrives
// as `%2e`), and whatever reads it next may decode it again (Kubo's gateway does; the WHATWG URL parser
// treats `%2e` as a dot). So each segment is decoded until it stops changing, and every stage must be free
// of dot segments, backslashes and control characters. A stage may contain `/` (a file name with an
// encoded slash is still one segment, sent on encoded), but none of its pieces may be `.` or `..`.
import { CID } from 'multiformats/cid'
import { multihashHex } from '../cid/index.js'
import { CoreError } from '../errors.js'

export interface GatewayPath {
  /** The CID as CIDv1 (the form uploads are stored under). */
  cid: string
  /** The multihash in hex: pins are matched on it, whatever the CID version or codec. */
  multihash: string
  /** Decoded, non-empty, never `.` or `..`. */
  segments: readonly string[]
}

/** Beyond this, a segment encoded inside itself again and again is an attack, not a file name. */
const MAX_DECODE_ROUNDS = 8
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\\\u0000-\u001f\u007f]/

export function parseGatewayPath(rawCid: string, rawPath: string): GatewayPath {
  checkSegment(rawCid, 'CID')
  const { cid, multihash } = parseGatewayCid(rawCid)
  if (rawPath === '') return { cid, multihash, segments: [] }
  const segments = rawPath.split('/')
  for (const segment of segments) {
    if (segment === '') throw bad('the path has an empty segment')
    checkSegment(segment, 'path')
  }
  return { cid, multihash, segments }
}

export function parseGatewayCid(value: string): { cid: string; multihash: string } {
  try {
    const parsed = CID.parse(value)
    return { cid: parsed.toV1().toString(), multihash: multihashHex(parsed) }
  } catch {
    throw new CoreError('NOT_FOUND', `"${value.slice(0, 100)}" is not a CID this gateway knows`)
  }
}

/** Throws BAD_REQUEST unless every decoding of the segment is free of dot segments, `\` and controls. */
export function checkSegment(segment: string, what: 'CID' | 'path'): void {
  let stage = segment
  for (let round = 0; ; round++) {
    if (FORBIDDEN.test(stage)) throw bad(`the ${what} holds a backslash or a control character`)
    if (stage.split('/').some((piece) => piece === '.' || piece === '..'))
      throw bad(`the ${what} holds a "." or ".." segment`)
    if (what === 'CID' && stage.includes('/')) throw bad('the CID holds a "/"')
    const next = percentDecode(stage)
    if (next === stage) return
    if (round === MAX_DECODE_ROUNDS) throw bad(`the ${what} is percent-encoded too many times over`)
    stage = next
  }
}

/**
 * Decodes every `%XX` as a byte and reads the bytes as UTF-8, as a Go server does (invalid sequences
 * become U+FFFD rather than an error, so `100%.txt` stays a name and `%c0%ae` never becomes a dot).
 */
export function percentDecode(text: string): string {
  if (!/%[0-9a-fA-F]{2}/.test(text)) return text
  const bytes: number[] = []
  for (let i = 0; i < text.length;) {
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16))
      i += 3
    } else {
      const cp = text.codePointAt(i)!
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'))
      i += cp > 0xffff ? 2 : 1
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

/** The path below the CID as URL text: each segment encoded, so it can only ever be one segment. */
export function encodeSegments(segments: readonly string[]): string {
  try {
    return segments.map(encodeURIComponent).join('/')
  } catch {
    throw bad('the path is not valid Unicode') // a lone surrogate
  }
}

/**
 * `/ipfs/{cid}[/{segments}]` against `base`, built with URL APIs; throws unless the result is exactly
 * that path under `base`'s origin (a guard against any future change that lets text through unchecked).
 */
export function ipfsUrl(
  base: string,
  path: Pick<GatewayPath, 'cid' | 'segments'>,
  query: Record<string, string> = {},
): URL {
  const origin = new URL(base)
  const prefix = origin.pathname.replace(/\/+$/, '')
  const pathname = `${prefix}/ipfs/${encodeURIComponent(path.cid)}${path.segments.length ? '/' + encodeSegments(path.segments) : ''}`
  const url = new URL(origin.origin)
  url.pathname = pathname
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  const root = `${prefix}/ipfs/${encodeURIComponent(path.cid)}`
  if (
    url.origin !== origin.origin ||
    url.pathname !== pathname ||
    !(url.pathname === root || url.pathname.startsWith(root + '/'))
  )
    throw new CoreError('BAD_REQUEST', 'the gateway path does not stay under its CID')
  return url
}

/** An ETag for what is served: the CID and the path below it, and the format when it is not the bytes. */
export function etagFor(cid: string, segments: readonly string[], format?: string): string {
  const below = segments.length ? '/' + encodeSegments(segments) : ''
  // encodeURIComponent leaves no `?` in the path, so a format suffix can never collide with a file name.
  return `"${cid}${below}${format ? `?format=${format}` : ''}"`
}

const bad = (details: string) => new CoreError('BAD_REQUEST', details)
