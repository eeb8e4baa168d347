// The few pages Tack serves outside the UI (the LAN root, a signed link that no longer opens): self-contained
// HTML with no script, under a policy that lets it load nothing but its own inline style.
import type { FastifyReply } from 'fastify'

export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** The style every such page shares: readable on a phone, light or dark. */
export const PAGE_STYLE = `<style>
body{font:17px/1.5 system-ui,sans-serif;margin:0;padding:1.5rem;max-width:36rem;color:#1b1f24;background:#fff}
h1{font-size:1.6rem;margin:0 0 .75rem}p{margin:.6rem 0}code{background:#eef1f4;padding:.1rem .3rem;border-radius:4px;word-break:break-all}
@media (prefers-color-scheme: dark){body{color:#e8ebef;background:#15181c}code{background:#262b31}}
</style>`

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${PAGE_STYLE}</head>
<body><main>
${body}
</main></body></html>
`
}

export function sendPage(reply: FastifyReply, html: string, cacheControl = 'no-cache', csp = PAGE_CSP): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', csp)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', cacheControl)
    .send(html)
}

/** Whether a client asked for HTML before JSON (a browser opening a link does; fetch, curl and API clients
 *  send `*\/*` or application/json and keep the PSA Failure body). */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false
  let html = 0
  let json = 0
  for (const part of accept.split(',').slice(0, 50)) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    const qParam = params.find((p) => p.startsWith('q='))
    const q = qParam ? Number(qParam.slice(2)) : 1
    if (!Number.isFinite(q)) continue
    if (type === 'text/html' || type === 'application/xhtml+xml') html = Math.max(html, q)
    if (type === 'application/json') json = Math.max(json, q)
  }
  return html > 0 && html >= json
}
