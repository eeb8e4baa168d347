// One-time sign-in against a real core (Kubo, MinIO, SQLite in a temp dir): a login token is exchanged once
// for a session cookie and a page token that only work together (or, for the desktop window's origin, a
// secret in the body), the cookie replayed alone (as any other server on 127.0.0.1 receives it) opens no
// route, sessions end on sign-out and after idle time, and `tack login` mints a fresh link for a running
// `tack serve` process.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_ORIGIN } from '../src/shared/app-origin.js'
import { createSessions } from '../src/main/core/sessions/index.js'
import { paths } from '../src/main/core/state.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { json } from './fixtures/http.js'
import { isPsaFailure, rawRequest } from './fixtures/raw-http.js'
import { waitFor } from './fixtures/processes.js'
import { spawnServe } from './fixtures/serve.js'
import { tempDir } from './fixtures/tmp.js'

const IDLE_MS = 4000
const ROOT = join(import.meta.dirname, '..')
const run = promisify(execFile)

let tack: TestTack
beforeAll(async () => {
  tack = await startTack({ core: { sessions: { idleMs: IDLE_MS } } })
})
afterAll(() => tack?.destroy())

const tokenOf = (link: string) => {
  const match = new URL(link).hash.match(/^#token=(tkl_[\w-]{43})$/)
  if (!match) throw new Error(`not a login link: ${link}`)
  return match[1]!
}
const redeem = (token: unknown, headers: Record<string, string> = {}, base = tack.url) =>
  fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ token }),
  })
/** The `name=value` part of the Set-Cookie header, as a browser would send it back. */
const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!
/** What a signed-in page sends: the cookie (by itself) and its page token (from the sign-in answer). */
const browserOf = async (res: Response) => ({
  cookie: cookieOf(res),
  'x-tack-session': ((await json(res)) as { pageToken: string }).pageToken,
})
const SAMPLE_PARAMS: Record<string, string> = { cid: 'bafkqaaa', requestid: 'x', id: '1', name: 'x' }
/** A concrete path for a route pattern (`/api/pinning/pins/:requestid` → `/api/pinning/pins/x`). */
const concrete = (url: string) =>
  url.replace(/:(\w+)/g, (_, name: string) => SAMPLE_PARAMS[name] ?? 'x').replace(/\*$/, 'x')
const me = (headers: Record<string, string>) => fetch(`${tack.url}/api/accounts/me`, { headers })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function expectLinkRefused(res: Response) {
  expect(res.status).toBe(401)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect(res.headers.get('set-cookie')).toBeNull()
  const body = await json(res)
  expect(body.error.reason).toBe('UNAUTHORIZED')
  expect(body.error.details).toMatch(/already used or has expired/)
  expect(body.error.details).toContain('tack login')
}

describe('one-time sign-in', () => {
  it('redeems a login token once for an HttpOnly, SameSite=Strict session cookie and a page token', async () => {
    const token = tokenOf(tack.core.loginUrl())
    const res = await redeem(token)
    expect(res.status).toBe(201)
    const setCookie = res.headers.get('set-cookie')!
    expect(setCookie).toMatch(/^tack_session=tss_[\w-]{43}; /)
    const attributes = setCookie.split(';').map((a) => a.trim().toLowerCase())
    expect(attributes).toContain('httponly')
    expect(attributes).toContain('samesite=strict')
    expect(attributes).toContain('path=/')
    expect(attributes).not.toContain('secure')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await json(res.clone())
    expect(body.secret).toBeUndefined() // a browser never sees the secret
    expect(body.pageToken).toMatch(/^tsp_[\w-]{43}$/)
    expect(body.account.name).toBe(tack.core.state.accounts.ensureOwner().name)
    expect(body.idleTimeoutSeconds).toBe(IDLE_MS / 1000)

    const who = await me(await browserOf(res))
    expect(who.status).toBe(200)
    expect((await json(who)).scopes).toContain('admin')

    await expectLinkRefused(await redeem(token))
  })

  it('lets exactly one of several concurrent redeems of a token win', async () => {
    const token = tack.core.loginToken()
    const answers = await Promise.all(Array.from({ length: 6 }, () => redeem(token)))
    expect(answers.map((r) => r.status).sort()).toEqual([201, 401, 401, 401, 401, 401])
  })

  it('refuses an expired, unknown or malformed token, and a login token used as a key', async () => {
    const owner = tack.core.state.accounts.ensureOwner().id
    const expired = createSessions(tack.core.state.db, { loginTtlMs: 1 }).mintLoginToken(owner)
    await sleep(20)
    await expectLinkRefused(await redeem(expired))
    await expectLinkRefused(await redeem('tkl_' + 'A'.repeat(43)))
    await expectLinkRefused(await redeem('tack_not_a_login_token'))
    expect((await redeem(42)).status).toBe(400)
    expect((await redeem('')).status).toBe(400)
    expect((await me({ authorization: `Bearer ${tack.core.loginToken()}` })).status).toBe(401)
    expect((await me({ cookie: 'tack_session=tss_forged' })).status).toBe(401)
  })

  it('answers the desktop window (Origin app://tack) with the secret in the body, which works as a Bearer token', async () => {
    const res = await redeem(tack.core.loginToken(), { origin: APP_ORIGIN })
    expect(res.status).toBe(201)
    expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN)
    expect(res.headers.get('set-cookie')).toBeNull()
    const { secret } = await json(res)
    expect(secret).toMatch(/^tss_[\w-]{43}$/)
    expect((await me({ authorization: `Bearer ${secret}` })).status).toBe(200)
    const out = await fetch(`${tack.url}/api/session`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${secret}`, origin: APP_ORIGIN },
    })
    expect(out.status).toBe(204)
    expect((await me({ authorization: `Bearer ${secret}` })).status).toBe(401)
  })

  it('signs out with DELETE /api/session: the cookie is cleared and no longer works', async () => {
    const browser = await browserOf(await redeem(tack.core.loginToken()))
    expect((await me(browser)).status).toBe(200)
    const out = await fetch(`${tack.url}/api/session`, { method: 'DELETE', headers: browser })
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(/^tack_session=; .*Max-Age=0/)
    const after = await me(browser)
    expect(after.status).toBe(401)
    expect((await json(after)).error.reason).toBe('UNAUTHORIZED')
    // Signing out needs a credential; an API key may call it and ends nothing.
    expect((await fetch(`${tack.url}/api/session`, { method: 'DELETE' })).status).toBe(401)
    expect((await tack.api('/api/session', { method: 'DELETE' })).status).toBe(204)
    expect((await tack.api('/api/accounts/me')).status).toBe(200)
  })

  it('ends a session left idle past its expiry, while use keeps it alive', async () => {
    const browser = await browserOf(await redeem(tack.core.loginToken()))
    const started = Date.now()
    await sleep(IDLE_MS * 0.6)
    expect((await me(browser)).status).toBe(200)
    await sleep(IDLE_MS * 0.6)
    // Past the first expiry: the use above moved it on.
    expect(Date.now() - started).toBeGreaterThan(IDLE_MS)
    expect((await me(browser)).status).toBe(200)
    await sleep(IDLE_MS + 500)
    const idle = await me(browser)
    expect(idle.status).toBe(401)
    expect((await json(idle)).error.details).toMatch(/expired|signed out/)
  })
})

describe('the browser session cookie replayed alone', () => {
  // Cookies are not separated by port: every server on 127.0.0.1 the owner's browser visits receives
  // tack_session. What it receives must open nothing.
  it('gets 401 on every authenticated route, export and events included; with the page token it works', async () => {
    const browser = await browserOf(await redeem(tack.core.loginToken()))
    const replayed = { cookie: browser.cookie }
    const protectedRoutes = tack.core.routes().filter((r) => r.policy !== 'public')
    expect(protectedRoutes.map((r) => r.url)).toEqual(expect.arrayContaining(['/api/export', '/api/events']))
    for (const route of protectedRoutes) {
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? '{"name":"mallory","quota":null}' : undefined
      const headers = body ? { ...replayed, 'content-type': 'application/json' } : replayed
      const res = await rawRequest(tack.url, concrete(route.url), { method: route.method, headers, body })
      const what = `${route.method} ${route.url}`
      expect(res.status, what).toBe(401)
      if (route.method !== 'HEAD') {
        expect(isPsaFailure(res.body), what).toBe(true)
        expect(JSON.parse(res.body).error.details, what).toMatch(/cookie alone is not accepted/)
      }
    }
    // Nor does the secret it carries work as a Bearer token, or the page token without the cookie, or the
    // cookie with a page token of another session.
    const secret = browser.cookie.split('=')[1]!
    expect((await me({ authorization: `Bearer ${secret}` })).status).toBe(401)
    expect((await me({ 'x-tack-session': browser['x-tack-session'] })).status).toBe(401)
    expect((await me({ authorization: `Bearer ${browser['x-tack-session']}` })).status).toBe(401)
    const other = await browserOf(await redeem(tack.core.loginToken()))
    expect((await me({ cookie: browser.cookie, 'x-tack-session': other['x-tack-session'] })).status).toBe(401)

    // The page, sending both, gets everything: the admin export and the event stream too.
    expect((await me(browser)).status).toBe(200)
    const exported = await fetch(`${tack.url}/api/export`, { headers: browser })
    expect(exported.status).toBe(200)
    expect((await exported.arrayBuffer()).byteLength).toBeGreaterThan(0)
    const events = await rawRequest(tack.url, '/api/events', { headers: browser })
    expect(events.status).toBe(200)
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/)
  })
})

describe('tack login', () => {
  const dir = tempDir()
  afterAll(() => dir.remove())
  const login = async () => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/tack.js', 'login'], {
        cwd: ROOT,
        env: { ...process.env, TACK_DATA_DIR: dir.path },
      })
      return { code: 0, stdout, stderr }
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string }
      return { code: e.code, stdout: e.stdout, stderr: e.stderr }
    }
  }

  it('prints a fresh one-time link while serve runs, and says so clearly when it does not', async () => {
    const serve = await spawnServe(dir.path)
    try {
      // The link serve printed works once; what stays in its log opens nothing afterwards.
      // The banner comes once everything is ready, which may be after the API listens (MinIO starts behind it).
      const printed = await waitFor(() => serve.output().match(/Open the UI:\s+(\S+)/)?.[1], 'the banner')
      expect((await redeem(tokenOf(printed!), {}, serve.url)).status).toBe(201)
      await expectLinkRefused(await redeem(tokenOf(printed!), {}, serve.url))
      expect(serve.output()).not.toContain(readFileSync(paths(dir.path).sessionToken, 'utf8').trim())

      const fresh = await login()
      expect(fresh.code).toBe(0)
      expect(fresh.stdout).toMatch(new RegExp(`^${serve.url.replace(/[.]/g, '\\.')}/#token=tkl_[\\w-]{43}\\n$`))
      const token = tokenOf(fresh.stdout.trim())
      const res = await redeem(token, {}, serve.url)
      expect(res.status).toBe(201)
      const who = await fetch(`${serve.url}/api/accounts/me`, { headers: await browserOf(res) })
      expect(who.status).toBe(200)
      await expectLinkRefused(await redeem(token, {}, serve.url))
      expect((await login()).stdout).not.toBe(fresh.stdout)
    } finally {
      serve.child.kill('SIGTERM')
      await serve.exited
    }
    const down = await login()
    expect(down.code).not.toBe(0)
    expect(down.stdout).toBe('')
    expect(down.stderr).toMatch(/not running.*tack serve/)
  })
})
