// The HTML page for a folder: links relative to the gateway path, sizes, and a link up.
import type { ListingTarget } from './resolve.js'

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let n = bytes
  let i = 0
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024
    i++
  }
  return `${i ? n.toFixed(1) : n} ${units[i]}`
}

export function listingHtml(target: ListingTarget, basePath: string): string {
  const here = `${basePath}/${target.root}${target.path ? '/' + target.path.split('/').map(encodeURIComponent).join('/') : ''}`
  const up = target.path ? `<li><a href="${escape(here.slice(0, here.lastIndexOf('/')))}">..</a></li>` : ''
  const rows = target.entries
    .map((e) => {
      const href = `${here}/${encodeURIComponent(e.name)}`
      return `<li><a href="${escape(href)}">${escape(e.name)}${e.dir ? '/' : ''}</a> <small>${formatSize(e.size)}</small></li>`
    })
    .join('\n')
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>/${escape(target.path)} · ${escape(target.root)}</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:60rem}li{margin:.3rem 0}small{color:#666;margin-left:.5rem}code{word-break:break-all}</style>
</head><body><h1>/${escape(target.path)}</h1><p><code>${escape(target.root)}</code></p><ul>
${up}
${rows}
</ul></body></html>`
}
