// The trust boundary against a real core (Kubo, MinIO, SQLite), tried as an attacker would: every route of
// the live route table without a key under many spellings of its path, foreign Hosts and Origins, LAN
// sharing that cannot get its port, sockets off loopback in `local` mode, and file modes in the data dir.
import { spawnSync } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { json } from './fixtures/http.js'
import { holdsFor } from './fixtures/poll.js'
import { isPsaFailure, rawRequest } from './fixtures/raw-http.js'

const SAMPLE_PARAMS: Record<string, string> = { cid: 'bafkqaaa', requestid: 'x', id: '1', name: 'x' }

/** A concrete path for a route pattern (`/api/pinning/pins/:requestid` → `/api/pinning/pins/x`). */
function concrete(url: string): string {
  return url.replace(/:(\w+)/g, (_, name: string) => SAMPLE_PARAMS[name] ?? 'x').replace(/\*$/, 'x')
}

/** The same path spelled the ways a router may still match while a URL-string check would not. */
export function spellings(path: string): string[] {
  const rest = path.slice('/api/'.length)
  const last = path.lastIndexOf('/') + 1
  const c = path.charCodeAt(last)
  return [
    path,
    '/' + path,
    path.replace('/api/', '/api//'),
    '/%61pi/' + rest,
    '/%2fapi/' + rest,
    '/%2Fapi/' + rest,
    '/api/./' + rest,
    '/api/x/../' + rest,
    '/api/%2e/' + rest,
    '/./api/' + rest,
    '/x/../api/' + rest,
    '/%2e/api/' + rest,
    '/%41PI/' + rest,
    path + ';x',
    path + '/',
    path.slice(0, last) + '%' + c.toString(16) + path.slice(last + 1),
  ]
}

describe('every route enforces its own policy', () => {
  let tack: TestTack
  beforeAll(async () => {
    tack = await startTack()
  })
  afterAll(() => tack.destroy())

  it('the route table covers the API, and every route declares a policy', () => {
    const routes = tack.core.routes()
    expect(routes.length).toBeGreaterThan(20)
    for (const path of ['/api/accounts', '/api/settings', '/api/remotes', '/api/pinning/pins', '/api/status'])
      expect(
        routes.some((r) => r.url === path),
        path,
      ).toBe(true)
    expect(
      routes.filter((r) => r.policy === 'public').every((r) => !/accounts|settings|remotes|keys|status/.test(r.url)),
    ).toBe(true)
  })

  it('no non-public route answers 2xx or 3xx without a key, however its path is spelled', async () => {
    const before = await json(await tack.api('/api/accounts'))
    const protectedRoutes = tack.core.routes().filter((r) => r.policy !== 'public')
    let tried = 0
    for (const route of protectedRoutes) {
      const path = concrete(route.url)
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method)
        ? '{"name":"mallory","quota":null,"lan":true}'
        : undefined
      const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {}
      for (const spelling of spellings(path)) {
        const res = await rawRequest(tack.url, spelling, { method: route.method, headers, body })
        tried++
        const what = `${route.method} ${spelling} (route ${route.url})`
        expect(res.status, what).toBeGreaterThanOrEqual(400)
        expect(res.status, what).toBeLessThan(500)
        if (route.method !== 'HEAD') expect(isPsaFailure(res.body), `${what}: ${res.body}`).toBe(true)
      }
      const canonical = await rawRequest(tack.url, path, { method: route.method, headers, body })
      expect(canonical.status, `${route.method} ${path}`).toBe(401)
    }
    expect(tried).toBeGreaterThan(200)
    // Nothing the walk sent changed anything.
    const after = await json(await tack.api('/api/accounts'))
    expect(after.results.map((a: { name: string }) => a.name)).toEqual(
      before.results.map((a: { name: string }) => a.name),
    )
    expect((await json(await tack.api('/api/settings'))).lan).toBe(false)
    expect((await json(await tack.api('/api/remotes'))).results).toEqual([])
  })

  it('refuses a foreign Host on the API and on the UI page, even with a good key', async () => {
    const port = new URL(tack.url).port
    const auth = { authorization: `Bearer ${tack.adminKey}` }
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `localhost:${Number(port) + 1}`,
    ]) {
      for (const path of ['/api/status', '/', '/api/gateway/bafkqaaa']) {
        const res = await rawRequest(tack.url, path, { headers: { ...auth, host } })
        expect(res.status, `${host} ${path}`).toBe(403)
        expect(isPsaFailure(res.body)).toBe(true)
      }
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await rawRequest(tack.url, '/api/status', { headers: { ...auth, host } })).status, host).toBe(200)
      expect((await rawRequest(tack.url, '/', { headers: { host } })).status, host).toBe(200)
    }
  })

  it('refuses a state change from a foreign Origin even with a good key', async () => {
    const res = await tack.api('/api/accounts', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ name: 'from-evil' }),
    })
    expect(res.status).toBe(403)
    expect(
      (await json(await tack.api('/api/accounts'))).results.some((a: { name: string }) => a.name === 'from-evil'),
    ).toBe(false)
    const own = await tack.api('/api/accounts', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: tack.url },
      body: JSON.stringify({ name: 'from-own-page' }),
    })
    expect(own.status).toBe(201)
  })

  it('answers bad uploads and over-long parameters with a PSA 400', async () => {
    const noBoundary = await tack.api('/api/files', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data' },
      body: 'x',
    })
    expect(noBoundary.status).toBe(400)
    expect(isPsaFailure(await noBoundary.text())).toBe(true)
    const broken = await tack.api('/api/files', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zz' },
      body: '--zz\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nabc',
    })
    expect(broken.status).toBe(400)
    expect(isPsaFailure(await broken.text())).toBe(true)
    const long = await tack.api(`/api/pinning/pins/${'a'.repeat(5000)}`)
    expect(long.status).toBe(400)
    expect(isPsaFailure(await long.text())).toBe(true)
  })
})

async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve))
  return { server, port: (server.address() as { port: number }).port }
}

describe('LAN sharing: applied before it is saved', () => {
  let tack: TestTack
  let blocker: { server: Server; port: number }
  beforeAll(async () => {
    blocker = await holdPort()
    tack = await startTack({ config: { lan: true, lanPort: blocker.port } })
  })
  afterAll(async () => {
    await tack.destroy()
    blocker.server.close()
  })

  it('starts without LAN when its port is taken, and refuses to switch it on until the port is free', async () => {
    expect((await json(await tack.api('/api/status'))).lan.enabled).toBe(false)
    const on = await tack.api('/api/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lan: true }),
    })
    expect(on.status).toBe(409)
    expect((await json(on)).error.details).toContain(String(blocker.port))
    expect((await json(await tack.api('/api/settings'))).lan).toBe(false)
    await new Promise<void>((resolve) => blocker.server.close(() => resolve()))
    const retry = await tack.api('/api/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lan: true }),
    })
    expect(retry.status).toBe(200)
    expect((await json(retry)).lan).toBe(true)
  })

  it('the LAN listener answers its own addresses only, and only the gateway', async () => {
    const lan = `http://127.0.0.1:${blocker.port}`
    const put = await tack.api('/api/files?name=shared.txt', { method: 'PUT', body: 'shared on the LAN' })
    expect(put.status).toBe(201)
    const { cid } = await json(put)
    const served = await rawRequest(lan, `/api/gateway/${cid}`)
    expect(served.status).toBe(200)
    expect(served.body).toBe('shared on the LAN')
    const foreign = await rawRequest(lan, `/api/gateway/${cid}`, { headers: { host: `evil.example:${blocker.port}` } })
    expect(foreign.status).toBe(403)
    const status = await rawRequest(lan, '/api/status', { headers: { authorization: `Bearer ${tack.adminKey}` } })
    expect(status.status).toBe(404)
    expect(isPsaFailure(status.body)).toBe(true)
  })
})

/** Every TCP and UDP socket of these processes, as `ss` lists them: [protocol, local address]. */
function socketsOf(pids: number[]): Array<{ line: string; local: string }> {
  const out = spawnSync('ss', ['-H', '-tunap'], { encoding: 'utf8' })
  expect(out.status).toBe(0)
  return out.stdout
    .split('\n')
    .filter((line) => pids.some((pid) => line.includes(`pid=${pid},`)))
    .map((line) => ({ line, local: line.trim().split(/\s+/)[4]! }))
}

describe('local mode stays on loopback, and the data dir is private', () => {
  let tack: TestTack
  beforeAll(async () => {
    tack = await startTack()
  })
  afterAll(() => tack.destroy())

  it('no Tack, Kubo or MinIO socket off loopback (TCP or UDP)', async () => {
    const pids = [process.pid, tack.core.kubo.supervisor.pid, tack.core.objectStorage.supervisor?.pid].filter(
      (p): p is number => typeof p === 'number',
    )
    expect(pids).toHaveLength(3)
    expect(socketsOf(pids).some((s) => s.line.includes(`pid=${tack.core.kubo.supervisor.pid},`))).toBe(true)
    // Kubo opens some sockets after start (NAT port mapping, discovery run in the background): sample the
    // whole window rather than look once at its end.
    let offLoopback: string[] = []
    await holdsFor(
      () => {
        offLoopback = socketsOf(pids)
          .filter((s) => !/^(127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]):\d+$/.test(s.local))
          .map((s) => s.line)
        return offLoopback.length === 0
      },
      'no socket off loopback',
      3000,
      200,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${offLoopback.join('\n')}`)
    })
  })

  it('every file and folder in the data dir is private to this user', async () => {
    const put = await tack.api('/api/files?name=a.txt', { method: 'PUT', body: 'private bytes' })
    expect(put.status).toBe(201)
    const { cid } = await json(put)
    expect((await fetch(`${tack.url}/api/gateway/${cid}`)).status).toBe(200)
    await tack.stop()
    const found = spawnSync('find', [tack.dataDir, '-perm', '/077'], { encoding: 'utf8' })
    expect(found.status).toBe(0)
    expect(found.stdout.trim().split('\n').filter(Boolean)).toEqual([])
  })
})
