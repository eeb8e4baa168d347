// Tack's favicons for the renderer build (src/renderer/public → out/renderer): favicon.ico (16, 32 and 48 px
// PNGs in one ICO, what browsers ask for on their own), favicon.svg (any size), apple-touch-icon.png (180 px)
// and icon-192.png / icon-512.png. The same pin as build/icon.png, drawn the same way without an image tool.
// Run: node scripts/make-favicons.mjs
import { writeFileSync } from 'node:fs'
import { APP_COLOURS, draw, png } from '../build/pin-drawing.mjs'

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
writeFileSync(out('favicon.ico'), ico([16, 32, 48].map((size) => ({ size, data: png(size, draw(size, APP_COLOURS)) }))))
for (const [name, size] of [
  ['apple-touch-icon.png', 180],
  ['icon-192.png', 192],
  ['icon-512.png', 512],
])
  writeFileSync(out(name), png(size, draw(size, APP_COLOURS)))
writeFileSync(
  out('favicon.svg'),
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">` +
    `<path d="M45.5 55h9v34l-4.5 5-4.5-5z" fill="#546e7a"/>` +
    `<circle cx="50" cy="36" r="27" fill="#e53935"/><circle cx="42" cy="28" r="7" fill="#ff8a80"/></svg>\n`,
)
console.log('wrote src/renderer/public/favicon.ico, favicon.svg, apple-touch-icon.png, icon-192.png, icon-512.png')
