// Sharing against a real core (Kubo, MinIO, SQLite): the public gateway template is a setting (default
// subdomain style, validated as an http(s) URL with {cid}, 400 otherwise, kept across a restart); /api/status
// says whether this node is on the public network; a revoke says how many live links it broke; a browser
// that opens a signed link that no longer works gets a small HTML page in words (410 expired, 403 revoked or
// damaged) with the pages' security headers, while API clients keep the PSA Failure body.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
const json = async <T>(res: Response) => (await res.json()) as T

describe('share settings and link pages', () => {
  let tack: TestTack
  let cid = ''

  beforeAll(async () => {
    tack = await startTack()
    const res = await tack.api('/api/files?name=letter.txt&private=true', { method: 'PUT', body: randomBytes(5000) })
    cid = (await json<{ cid: string }>(res)).cid
  }, 120_000)
  afterAll(() => tack?.destroy())

  const put = (body: unknown) =>
    tack.api('/api/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  it('the gateway template defaults to subdomain style and refuses what is not an http(s) URL with {cid}', async () => {
    const settings = await json<{ gatewayTemplate: string }>(await tack.api('/api/settings'))
    expect(settings.gatewayTemplate).toBe('https://{cid}.ipfs.dweb.link')
    for (const [template, words] of [
      ['https://dweb.link/ipfs/', '{cid}'],
      ['ftp://gw.example/ipfs/{cid}', 'http'],
      ['gw.example/ipfs/{cid}', 'http'],
      ['javascript:alert({cid})', 'http'],
    ] as const) {
      const res = await put({ gatewayTemplate: template })
      expect(res.status, template).toBe(400)
      const body = await json<{ error: { reason: string; details: string } }>(res)
      expect(body.error.reason).toBe('BAD_REQUEST')
      expect(body.error.details).toContain('gatewayTemplate')
      expect(body.error.details).toContain(words)
    }
    expect((await json<{ gatewayTemplate: string }>(await tack.api('/api/settings'))).gatewayTemplate).toBe(
      'https://{cid}.ipfs.dweb.link',
    )
  })

  it('a template is kept across a restart', async () => {
    const res = await put({ gatewayTemplate: 'https://gw.example.org/ipfs/{cid}?filename=x' })
    expect(res.status).toBe(200)
    expect((await json<{ gatewayTemplate: string }>(res)).gatewayTemplate).toBe(
      'https://gw.example.org/ipfs/{cid}?filename=x',
    )
    await tack.stop()
    const again = await startTack({ dataDir: tack.dataDir })
    try {
      const settings = await json<{ gatewayTemplate: string }>(await again.api('/api/settings'))
      expect(settings.gatewayTemplate).toBe('https://gw.example.org/ipfs/{cid}?filename=x')
    } finally {
      await again.stop()
    }
    tack = await startTack({ dataDir: tack.dataDir })
  }, 120_000)

  it('/api/status says the node is on a local-only network (TACK_IPFS_NETWORK=local)', async () => {
    const status = await json<{ network: string }>(await tack.api('/api/status'))
    expect(status.network).toBe('local')
  })

  it('a revoke breaks the live links it counts, and the recipient’s browser is told in words', async () => {
    const make = async (expiresIn: number) => {
      const res = await tack.api(`/api/files/${cid}/links`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ expiresIn }),
      })
      expect(res.status).toBe(201)
      return (await json<{ url: string }>(res)).url
    }
    const first = await make(3600)
    const second = await make(1)
    await make(7200)
    expect(await json<{ live: number }>(await tack.api(`/api/files/${cid}/links`))).toEqual({ live: 3 })

    // The one-second link expires: its recipient's browser gets the expired page, an API client the Failure.
    await expect.poll(async () => (await fetch(second)).status, { timeout: 5000 }).toBe(410)
    const expired = await fetch(second, { headers: { accept: BROWSER_ACCEPT } })
    expect(expired.status).toBe(410)
    expect(expired.headers.get('content-type')).toMatch(/^text\/html/)
    const expiredPage = await expired.text()
    expect(expiredPage).toContain('This link has expired')
    expect(expiredPage).not.toContain('<script')
    const expiredJson = await fetch(second, { headers: { accept: 'application/json' } })
    expect(expiredJson.headers.get('content-type')).toMatch(/^application\/json/)
    expect((await json<{ error: { reason: string } }>(expiredJson)).error.reason).toBe('GONE')
    expect(await json<{ live: number }>(await tack.api(`/api/files/${cid}/links`))).toEqual({ live: 2 })

    expect((await tack.api(`/api/files/${cid}/links`, { method: 'DELETE' })).status).toBe(204)
    expect(await json<{ live: number }>(await tack.api(`/api/files/${cid}/links`))).toEqual({ live: 0 })
    const revoked = await fetch(first, { headers: { accept: BROWSER_ACCEPT } })
    expect(revoked.status).toBe(403)
    expect(revoked.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await revoked.text()).toContain('has revoked the link')
    const csp = revoked.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).not.toContain('script-src')
    expect(revoked.headers.get('x-content-type-options')).toBe('nosniff')
    expect(revoked.headers.get('x-frame-options')).toBe('DENY')
    expect(revoked.headers.get('cache-control')).toBe('no-store')
    const revokedJson = await fetch(first, { headers: { accept: 'application/json' } })
    expect(revokedJson.status).toBe(403)
    expect((await json<{ error: { reason: string } }>(revokedJson)).error.reason).toBe('FORBIDDEN')
    // fetch's own */* is an API client's too.
    expect((await fetch(first)).headers.get('content-type')).toMatch(/^application\/json/)

    // A link cut short in a browser: the page that says so, 403 as before.
    const cut = await fetch(first.slice(0, first.indexOf('&s=')), { headers: { accept: BROWSER_ACCEPT } })
    expect(cut.status).toBe(403)
    expect(await cut.text()).toContain('not copied in full')
  })
})
