// The HTML page for a folder: links relative to the gateway path, sizes, and a link up.
import { formatBytes } from '../../../shared/bytes.js'
import type { ListingTarget } from './resolve.js'

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Sizes as everywhere in Tack (IEC: KiB, MiB, GiB), so a listing and the app never disagree. */
export const formatSize = formatBytes

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
