// Tack's pin drawn without any image tool (a round head with a shine on a short needle), and a minimal PNG
// encoder: shared by build/make-icons.mjs (app and tray icons) and scripts/make-favicons.mjs (the UI's favicons).
import { deflateSync } from 'node:zlib'

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf) => {
  let c = 0xffffffff
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const chunk = (type, data) => {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}
export function png(size, rgba) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 6, 0, 0, 0], 8) // 8-bit RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// The shape in unit coordinates (0..1): which colour covers a point, or null.
function shape(x, y, colours) {
  const head = (x - 0.5) ** 2 + (y - 0.36) ** 2 < 0.27 ** 2
  const shine = (x - 0.42) ** 2 + (y - 0.28) ** 2 < 0.07 ** 2
  const needle = Math.abs(x - 0.5) < 0.045 && y > 0.55 && y < 0.94 - Math.abs(x - 0.5)
  if (head) return shine ? colours.shine : colours.head
  if (needle) return colours.needle
  return colours.background
}

export function draw(size, colours, samples = 4) {
  const out = Buffer.alloc(size * size * 4)
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0]
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++) {
          const c = shape((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size, colours)
          if (!c) continue
          const a = c[3] / 255
          acc[0] += c[0] * a
          acc[1] += c[1] * a
          acc[2] += c[2] * a
          acc[3] += a
        }
      const n = samples * samples
      const o = (py * size + px) * 4
      if (acc[3] > 0)
        out.set([acc[0] / acc[3], acc[1] / acc[3], acc[2] / acc[3], (255 * acc[3]) / n].map(Math.round), o)
    }
  return out
}

export const APP_COLOURS = {
  head: [229, 57, 53, 255],
  shine: [255, 138, 128, 255],
  needle: [84, 110, 122, 255],
  background: null,
}
export const TRAY_COLOURS = { head: [0, 0, 0, 255], shine: [0, 0, 0, 255], needle: [0, 0, 0, 255], background: null }
