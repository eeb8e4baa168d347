// Tack's favicons for the renderer build (src/renderer/public → out/renderer): favicon.ico (16, 32 and 48 px
// PNGs in one ICO, what browsers ask for on their own), favicon.svg (any size), apple-touch-icon.png (180 px)
// and icon-192.png / icon-512.png. The same pin as build/icon.png, drawn the same way without an image tool.
// Run: node scripts/make-favicons.mjs
import { writeFileSync } from 'node:fs'
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
function png(size, rgba) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 6, 0, 0, 0], 8)
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
function shape(x, y) {
  const head = (x - 0.5) ** 2 + (y - 0.36) ** 2 < 0.27 ** 2
  const shine = (x - 0.42) ** 2 + (y - 0.28) ** 2 < 0.07 ** 2
  const needle = Math.abs(x - 0.5) < 0.045 && y > 0.55 && y < 0.94 - Math.abs(x - 0.5)
  if (head) return shine ? [255, 138, 128] : [229, 57, 53]
  if (needle) return [84, 110, 122]
  return null
}
function draw(size, samples = 4) {
  const out = Buffer.alloc(size * size * 4)
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0]
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++) {
          const c = shape((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)
          if (!c) continue
          acc[0] += c[0]
          acc[1] += c[1]
          acc[2] += c[2]
          acc[3] += 1
        }
      const o = (py * size + px) * 4
      if (acc[3] > 0)
        out.set([acc[0] / acc[3], acc[1] / acc[3], acc[2] / acc[3], (255 * acc[3]) / samples ** 2].map(Math.round), o)
    }
  return out
}
/** An ICO holding PNG images (Vista and every browser since read these). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2)
  header.writeUInt16LE(images.length, 4)
  let offset = header.length
  images.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i
    header.writeUInt8(size % 256, e)
    header.writeUInt8(size % 256, e + 1)
    header.writeUInt16LE(1, e + 4)
    header.writeUInt16LE(32, e + 6)
    header.writeUInt32LE(data.length, e + 8)
    header.writeUInt32LE(offset, e + 12)
    offset += data.length
  })
  return Buffer.concat([header, ...images.map((i) => i.data)])
}

const out = (name) => new URL(`../src/renderer/public/${name}`, import.meta.url)
writeFileSync(out('favicon.ico'), ico([16, 32, 48].map((size) => ({ size, data: png(size, draw(size)) }))))
for (const [name, size] of [
  ['apple-touch-icon.png', 180],
  ['icon-192.png', 192],
  ['icon-512.png', 512],
])
  writeFileSync(out(name), png(size, draw(size)))
writeFileSync(
  out('favicon.svg'),
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">` +
    `<path d="M45.5 55h9v34l-4.5 5-4.5-5z" fill="#546e7a"/>` +
    `<circle cx="50" cy="36" r="27" fill="#e53935"/><circle cx="42" cy="28" r="7" fill="#ff8a80"/></svg>\n`,
)
console.log('wrote src/renderer/public/favicon.ico, favicon.svg, apple-touch-icon.png, icon-192.png, icon-512.png')
