import { join, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appFilePath, appProtocolHandler, contentSecurityPolicy } from './protocol.js'

const dir = join('/opt', 'tack', 'renderer')

describe('app:// protocol', () => {
  it('maps app URLs to files inside the renderer build', () => {
    expect(appFilePath(dir, 'app://tack/index.html')).toBe(join(dir, 'index.html'))
    expect(appFilePath(dir, 'app://tack/assets/a.js?x=1')).toBe(join(dir, 'assets', 'a.js'))
    expect(appFilePath(dir, 'app://tack/')).toBe(join(dir, 'index.html'))
    expect(appFilePath(dir, 'app://tack/pins/abc')).toBe(join(dir, 'index.html'))
  })

  it('refuses paths outside the build and other origins', () => {
    // Dot segments are resolved by the URL parser or refused: either way nothing outside the build.
    const inside = (p: string | undefined) => p === undefined || p.startsWith(dir + sep)
    expect(inside(appFilePath(dir, 'app://tack/../../etc/passwd.txt'))).toBe(true)
    expect(inside(appFilePath(dir, 'app://tack/%2e%2e/%2e%2e/etc/passwd.txt'))).toBe(true)
    expect(appFilePath(dir, 'app://tack/assets/..%2f..%2f..%2fsecret.txt')).toBeUndefined()
    expect(appFilePath(dir, 'app://other/index.html')).toBeUndefined()
    expect(appFilePath(dir, 'file:///etc/passwd')).toBeUndefined()
    expect(appFilePath(dir, 'not a url')).toBeUndefined()
  })

  it('serves files with a CSP naming the core', async () => {
    const handler = appProtocolHandler({
      rendererDir: dir,
      apiUrl: () => 'http://127.0.0.1:41234',
      read: async (file) => new TextEncoder().encode(`contents of ${file}`),
    })
    const res = await handler({ url: 'app://tack/assets/app.js', method: 'GET' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/javascript/)
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self' http://127.0.0.1:41234")
    expect(await res.text()).toContain(join(dir, 'assets', 'app.js'))
    expect((await handler({ url: 'app://tack/assets/..%2f..%2fx.js' })).status).toBe(404)
    expect((await handler({ url: 'app://tack/index.html', method: 'POST' })).status).toBe(404)
  })

  it('answers 404 for a missing file', async () => {
    const handler = appProtocolHandler({
      rendererDir: dir,
      apiUrl: () => '',
      read: () => Promise.reject(new Error('ENOENT')),
    })
    expect((await handler({ url: 'app://tack/nope.js' })).status).toBe(404)
  })

  it('keeps the policy strict', () => {
    const csp = contentSecurityPolicy('http://127.0.0.1:7575/')
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self';")
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
    expect(csp).toContain("object-src 'none'")
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:7575;")
    expect(contentSecurityPolicy('')).toContain("connect-src 'self';")
  })
})
