// The renderer build (out/renderer, made by `npm run build`) served at `/` for headless `tack serve`.
// Every non-/api path that is not a file of the build gets index.html (the UI routes in the fragment, so
// this is only for reloads and old links); when there is no build, `/` says how to make one. Pages go out
// with a strict Content-Security-Policy: the UI runs its own scripts and talks to this origin, nothing else.
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { existsSync, statSync } from 'node:fs'
import { extname, join, normalize, posix, relative, isAbsolute } from 'node:path'
import { projectRoot } from '../../binaries.js'
import { CoreError } from '../../errors.js'
import { MAX_PARAM_LENGTH } from '../server.js'

export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // React sets style attributes (progress bar widths); styles cannot run code.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')

const MISSING_BUILD = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tack</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1>Tack is running, but its UI is not built</h1>
<p>Run <code>npm run build</code> in Tack's folder, then reload this page.</p>
<p>The Pinning Service API is at <code>/api/pinning</code> and works without the UI.</p>
</body></html>
`

export function defaultUiRoot(): string {
  return join(projectRoot(), 'out', 'renderer')
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', UI_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
}

/** The file of the build a URL path names, relative to root; undefined if there is none (or it escapes root). */
export function buildFileFor(root: string, urlPath: string): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  if (decoded.includes('\0')) return undefined
  const rel = relative(root, join(root, normalize(decoded)))
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return undefined
  const full = join(root, rel)
  try {
    return statSync(full).isFile() ? rel : undefined
  } catch {
    return undefined
  }
}

/** Whether a path is an API path however it is spelled (`//api`, `/%61pi`, `/%2fapi`): never a page. */
export function namesApi(urlPath: string): boolean {
  let decoded = urlPath
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    /* a malformed escape: judged as written */
  }
  const normal = posix.normalize(decoded.replace(/\\/g, '/')).toLowerCase()
  return normal === '/api' || normal.startsWith('/api/')
}

export function uiRoutes(init: { root?: string } = {}): FastifyPluginAsync {
  const root = init.root ?? defaultUiRoot()
  return async (app) => {
    // serve: false: only reply.sendFile (etag, ranges, content types); the one route below decides what to send.
    await app.register(fastifyStatic, { root, serve: false })
    // Pages and assets are public; the data behind them is not (every /api route declares its own policy).
    // An /api path no API route claims lands here too and hears 404.
    app.get('/*', { config: { scope: 'public' } }, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/'
      if (namesApi(path)) {
        // The router falls back to this catch-all when an API route's parameter is over the length limit.
        if (path.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH))
          throw new CoreError('BAD_REQUEST', `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`)
        throw new CoreError('NOT_FOUND', `no route ${request.method} ${path.slice(0, 200)}`)
      }
      if (!existsSync(join(root, 'index.html'))) {
        return securityHeaders(reply)
          .code(200)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(MISSING_BUILD)
      }
      const file = buildFileFor(root, path)
      if (file && file !== 'index.html') {
        // Vite names assets by content hash: they never change, so they can be cached for good.
        const immutable = file.startsWith('assets/')
        return securityHeaders(reply).sendFile(file, { maxAge: immutable ? 31536000000 : 0, immutable })
      }
      if (extname(path) && !file) throw new CoreError('NOT_FOUND', `no file ${path} in the UI build`)
      return securityHeaders(reply).header('cache-control', 'no-cache').sendFile('index.html', { maxAge: 0 })
    })
  }
}
