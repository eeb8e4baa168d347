// The renderer is served from the app's own files through an `app://tack/` scheme rather than file://: it
// gets a real origin (so navigation guards can compare origins, and file:// pages cannot read other local
// files), and every response carries the Content-Security-Policy, which can then name the core's exact
// port in connect-src. Files are read from the renderer build only; any other path is a 404.
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, relative, isAbsolute } from 'node:path'

import { APP_ORIGIN, APP_SCHEME } from '../shared/app-origin.js'

export { APP_ORIGIN, APP_SCHEME }
export const APP_ENTRY = `${APP_ORIGIN}/index.html`

/** Whether a URL is one of the app's own pages. (Node's URL gives custom schemes an opaque origin, so
 * compare scheme and host.) */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'tack'
  } catch {
    return false
  }
}

/** For protocol.registerSchemesAsPrivileged, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  // standard: relative URLs and origins work; secure: treated like https; supportFetchAPI: module scripts.
  privileges: { standard: true, secure: true, supportFetchAPI: true },
}

/**
 * The renderer may run its own scripts, talk to the core (and show images and media from its gateway), and
 * nothing else: no inline scripts, no eval, no frames, no plugins, no form posts.
 */
export function contentSecurityPolicy(apiUrl: string): string {
  const core = apiUrl ? new URL(apiUrl).origin : ''
  return [
    "default-src 'none'",
    "script-src 'self'",
    // React and CSS-in-JS set style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${core}`.trim(),
    `media-src 'self' blob: ${core}`.trim(),
    "font-src 'self' data:",
    `connect-src 'self' ${core}`.trim(),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

/** The file an app:// URL names inside rendererDir, or undefined for anything outside it. */
export function appFilePath(rendererDir: string, url: string): string | undefined {
  if (!isAppUrl(url)) return undefined
  let path: string
  try {
    path = decodeURIComponent(new URL(url).pathname)
  } catch {
    return undefined
  }
  // A route of the single-page app (no extension) gets index.html.
  const wanted = path === '/' || extname(path) === '' ? '/index.html' : path
  const file = normalize(join(rendererDir, wanted))
  const rel = relative(rendererDir, file)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined
  return file
}

export interface AppProtocolInit {
  rendererDir: string
  /** The core's URL now (it can change when the core restarts). */
  apiUrl: () => string
  read?: (file: string) => Promise<Uint8Array>
}

/** The handler for protocol.handle(APP_SCHEME, ...). */
export function appProtocolHandler(
  init: AppProtocolInit,
): (request: { url: string; method?: string }) => Promise<Response> {
  const read = init.read ?? ((file: string) => readFile(file))
  return async (request) => {
    const file = appFilePath(init.rendererDir, request.url)
    if (!file || (request.method && request.method !== 'GET')) return new Response('not found', { status: 404 })
    try {
      const body = await read(file)
      return new Response(body as Uint8Array<ArrayBuffer>, {
        headers: {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-security-policy': contentSecurityPolicy(init.apiUrl()),
          'x-content-type-options': 'nosniff',
        },
      })
    } catch {
      return new Response('not found', { status: 404 })
    }
  }
}
