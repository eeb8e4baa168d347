// One byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`) against a known size. Several ranges are answered
// with the whole body (allowed by RFC 9110); a range that cannot be satisfied is a 416.
import { CoreError } from '../errors.js'

/** Bytes start to end, both included. */
export interface ByteRange {
  start: number
  end: number
}

export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined
  const match = header.trim().match(/^bytes=(\d*)-(\d*)$/)
  if (!match || (!match[1] && !match[2])) return undefined
  let start: number
  let end: number
  if (!match[1]) {
    start = Math.max(0, size - Number(match[2]))
    end = size - 1
  } else {
    start = Number(match[1])
    end = match[2] ? Math.min(Number(match[2]), size - 1) : size - 1
  }
  if (start > end || start >= size) throw new RangeNotSatisfiable(header, size)
  return { start, end }
}

/** A 416 that knows the size, so the response can say `Content-Range: bytes * /size` (RFC 9110). */
export class RangeNotSatisfiable extends CoreError {
  constructor(
    header: string,
    readonly size: number,
  ) {
    super('RANGE_NOT_SATISFIABLE', `range ${header} is outside the ${size} bytes`)
  }
}
