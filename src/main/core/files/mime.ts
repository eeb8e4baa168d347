// A content type from the first bytes and the name, as a browser would want it. Magic numbers win over the
// extension for the formats they identify for sure; text and names decide the rest.
const BY_EXTENSION: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xml: 'application/xml',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  wasm: 'application/wasm',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  car: 'application/vnd.ipld.car',
}

const MAGIC: Array<[number[], string, number?]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'image/png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg'],
  [[0x47, 0x49, 0x46, 0x38], 'image/gif'],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], 'application/pdf'],
  [[0x1f, 0x8b], 'application/gzip'],
  [[0x00, 0x61, 0x73, 0x6d], 'application/wasm'],
  [[0x66, 0x74, 0x79, 0x70], 'video/mp4', 4],
  [[0x1a, 0x45, 0xdf, 0xa3], 'video/webm'],
  [[0x49, 0x44, 0x33], 'audio/mpeg'],
  [[0x4f, 0x67, 0x67, 0x53], 'audio/ogg'],
  [[0x66, 0x4c, 0x61, 0x43], 'audio/flac'],
]

export const OCTET_STREAM = 'application/octet-stream'

export function detectMime(head: Uint8Array, name: string): string {
  const ext = name.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1]
  const byName = ext ? BY_EXTENSION[ext] : undefined
  for (const [magic, type, offset = 0] of MAGIC) {
    if (magic.every((b, i) => head[offset + i] === b)) return type
  }
  if (startsWith(head, 'RIFF') && startsWith(head.subarray(8), 'WEBP')) return 'image/webp'
  if (startsWith(head, 'PK\x03\x04')) return byName ?? 'application/zip'
  if (byName) return byName
  if (head.length === 0) return 'text/plain; charset=utf-8'
  if (looksLikeText(head)) {
    const start = new TextDecoder().decode(head.subarray(0, 64)).trimStart().toLowerCase()
    return start.startsWith('<!doctype html') || start.startsWith('<html')
      ? 'text/html; charset=utf-8'
      : 'text/plain; charset=utf-8'
  }
  return OCTET_STREAM
}

function startsWith(bytes: Uint8Array, ascii: string): boolean {
  return [...ascii].every((c, i) => bytes[i] === c.charCodeAt(0))
}

/** No NULs and no other control bytes but whitespace: what the WHATWG sniffing algorithm calls text. */
function looksLikeText(head: Uint8Array): boolean {
  for (const b of head)
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b)) return false
  return true
}
