// The HTTP rules in-process: auth decided by the matched route's declared policy (whatever the spelling of
// the path), fail-closed registration, Host and Origin checks, and PSA Failure bodies for framework errors.
// Requests go over a real socket with node:http so paths reach the router exactly as spelled.
import { request as httpRequest } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { CoreError } from '../errors.js'
import { createLogger, silentLogger } from '../log.js'
import { createHttpApp } from './server.js'

let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

const auth = {
  authenticate(header: string | undefined) {
    if (header !== 'Bearer good') throw new CoreError('UNAUTHORIZED', 'no')
    return { accountId: 1, scopes: ['pins:read' as const] }
  },
}

async function listening() {
  const http = await createHttpApp({
    log: silentLogger,
    auth,
    routes: [
      async (a) => {
        a.get('/api/secret', { config: { scope: 'any' } }, () => ({ secret: true }))
        a.get('/api/admin', { config: { scope: 'admin' } }, () => ({ admin: true }))
        a.get('/api/open/:cid', { config: { scope: 'public' } }, (r) => ({ cid: (r.params as { cid: string }).cid }))
        a.post('/api/secret', { config: { scope: 'any' } }, () => ({ changed: true }))
      },
    ],
  })
  app = http.app
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  return { port, routes: http.routes }
}

function raw(port: number, path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? 'GET',
        headers: { host: `127.0.0.1:${port}`, ...init.headers },
      },
      (res) => {
        let body = ''
        res.on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode!, body }))
      },
    )
    req.on('error', reject).end()
  })
}

describe('route policies', () => {
  it('refuses to register a route that declares no policy', async () => {
    await expect(
      createHttpApp({ log: silentLogger, auth, routes: [async (a) => void a.get('/api/oops', () => 'x')] }),
    ).rejects.toThrow(/declares no access policy/)
  })

  it('records every route with its policy', async () => {
    const { routes } = await listening()
    expect(routes).toContainEqual({ method: 'GET', url: '/api/secret', policy: 'any' })
    expect(routes).toContainEqual({ method: 'HEAD', url: '/api/secret', policy: 'any' })
    expect(routes).toContainEqual({ method: 'GET', url: '/api/admin', policy: 'admin' })
  })

  it('no spelling of a protected path reaches its handler without a key', async () => {
    const { port } = await listening()
    const spellings = [
      '/api/secret',
      '//api/secret',
      '/api//secret',
      '/%61pi/secret',
      '/%2fapi/secret',
      '/%2Fapi/secret',
      '/api/./secret',
      '/api/x/../secret',
      '/api/secret;x',
      '/api/secret/',
      '/api/%73ecret',
      '/API/secret',
      '/api/secret?x=1',
      '/api/secret#x',
    ]
    for (const path of spellings) {
      const res = await raw(port, path)
      expect(res.status, path).toBeGreaterThanOrEqual(400)
      expect(res.body, path).not.toContain('"secret":true')
      expect(JSON.parse(res.body).error.reason, path).toMatch(/^[A-Z_]+$/)
    }
    expect((await raw(port, '/%61pi/secret')).status).toBe(401)
    expect((await raw(port, '//api/secret')).status).toBe(401)
    expect((await raw(port, '/api/secret', { headers: { authorization: 'Bearer good' } })).status).toBe(200)
    expect((await raw(port, '//api/admin', { headers: { authorization: 'Bearer good' } })).status).toBe(403)
  })

  it('refuses foreign Hosts before any handler, even with a good key', async () => {
    const { port } = await listening()
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`]) {
      const res = await raw(port, '/api/secret', { headers: { host, authorization: 'Bearer good' } })
      expect(res.status, host).toBe(403)
      expect(JSON.parse(res.body).error.reason).toBe('FORBIDDEN')
    }
    const open = await raw(port, '/api/open/x', { headers: { host: 'evil.example' } })
    expect(open.status).toBe(403)
    expect(
      (await raw(port, '/api/secret', { headers: { host: `localhost:${port}`, authorization: 'Bearer good' } })).status,
    ).toBe(200)
  })

  it('refuses state changes from a foreign Origin, allows reads and its own origins', async () => {
    const { port } = await listening()
    const post = (origin: string) =>
      raw(port, '/api/secret', { method: 'POST', headers: { origin, authorization: 'Bearer good' } })
    expect((await post('http://evil.example')).status).toBe(403)
    expect((await post('null')).status).toBe(403)
    expect((await post(`http://127.0.0.1:${port}`)).status).toBe(200)
    expect((await post('app://tack')).status).toBe(200)
    const read = await raw(port, '/api/secret', {
      headers: { origin: 'http://evil.example', authorization: 'Bearer good' },
    })
    expect(read.status).toBe(200)
    expect(read.body).not.toContain('access-control')
  })

  it('answers over-long parameters and malformed URLs with a PSA 400', async () => {
    const { port } = await listening()
    const long = await raw(port, `/api/open/${'b'.repeat(2000)}`)
    expect(long.status).toBe(400)
    expect(JSON.parse(long.body).error.reason).toBe('BAD_REQUEST')
    expect((await raw(port, `/api/open/${'b'.repeat(300)}`)).status).toBe(200)
    const bad = await raw(port, '/api/open/%E0%A4%A')
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body).error.reason).toBe('BAD_REQUEST')
  })

  it('answers unknown routes with 404 and a PSA body', async () => {
    const { port } = await listening()
    const res = await raw(port, '/api/nope', { method: 'DELETE' })
    expect(res.status).toBe(404)
    expect(JSON.parse(res.body)).toEqual({ error: { reason: 'NOT_FOUND', details: 'no route DELETE /api/nope' } })
  })

  it('an error after the body was read is a logged 500 with a PSA body, not a silent 499', async () => {
    const lines: string[] = []
    const http = await createHttpApp({
      log: createLogger({ sink: (l) => lines.push(l) }),
      auth,
      routes: [
        async (a) =>
          void a.post('/api/boom', { config: { scope: 'public' } }, async () => {
            throw new Error('kaput')
          }),
      ],
    })
    app = http.app
    await app.listen({ host: '127.0.0.1', port: 0 })
    const port = (app.server.address() as { port: number }).port
    const res = await new Promise<{ status: number; body: string; id?: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/api/boom', method: 'POST', headers: { 'content-type': 'application/json' } },
        (r) => {
          let body = ''
          r.on('data', (d) => (body += d)).on('end', () =>
            resolve({ status: r.statusCode!, body, id: r.headers['x-request-id'] as string }),
          )
        },
      )
      req.on('error', reject).end('{"a":1}')
    })
    expect(res.status).toBe(500)
    expect(JSON.parse(res.body).error.reason).toBe('INTERNAL_SERVER_ERROR')
    expect(res.body).not.toContain('kaput')
    const logged = lines.find((l) => l.includes(' error ') && l.includes('kaput'))
    expect(logged).toBeDefined()
    expect(logged).toContain(res.id!)
  })
})
