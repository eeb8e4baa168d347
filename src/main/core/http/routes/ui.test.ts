// The UI route in-process (Fastify inject) with a fake build in a temp dir: files, SPA fallback, CSP, and
// an unknown /api path answered 404 with a PSA Failure body, never the page.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { CoreError } from '../../errors.js'
import { silentLogger } from '../../log.js'
import { createHttpApp } from '../server.js'
import { buildFileFor, uiRoutes } from './ui.js'

const dirs: string[] = []
let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function appWith(build: boolean) {
  const root = mkdtempSync(join(tmpdir(), 'tack-ui-'))
  dirs.push(root)
  if (build) {
    mkdirSync(join(root, 'assets'))
    writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>')
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)')
  }
  const auth = {
    sessionToken: 'tks_x',
    authenticate(header: string | undefined) {
      if (header !== 'Bearer good') throw new CoreError('UNAUTHORIZED', 'no')
      return { accountId: 1, scopes: ['admin' as const] }
    },
  }
  app = (await createHttpApp({ log: silentLogger, auth, routes: [uiRoutes({ root })] })).app
  return { app, root }
}

describe('ui route', () => {
  it('serves the build, falls back to index.html for pages, and sends a strict CSP', async () => {
    const { app } = await appWith(true)
    const index = await app.inject('/')
    expect(index.statusCode).toBe(200)
    expect(index.body).toContain('id="root"')
    expect(index.headers['content-security-policy']).toContain("default-src 'none'")
    expect(index.headers['x-content-type-options']).toBe('nosniff')
    const asset = await app.inject('/assets/index-abc.js')
    expect(asset.statusCode).toBe(200)
    expect(asset.headers['content-type']).toMatch(/javascript/)
    expect(asset.headers['cache-control']).toContain('immutable')
    expect((await app.inject('/pins/anything')).body).toContain('id="root"')
    expect((await app.inject('/assets/missing.js')).statusCode).toBe(404)
    expect((await app.inject('/..%2f..%2fetc%2fpasswd')).body).not.toContain('root:')
  })

  it('answers an unknown /api path with 404, never the page', async () => {
    const { app } = await appWith(true)
    const found = await app.inject({ url: '/api/nope' })
    expect(found.statusCode).toBe(404)
    expect(found.json()).toEqual({ error: { reason: 'NOT_FOUND', details: 'no route GET /api/nope' } })
  })

  it('says to run npm run build when there is no build', async () => {
    const { app } = await appWith(false)
    const res = await app.inject('/')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.body).toContain('npm run build')
  })

  it('never resolves a path outside the build', () => {
    const root = mkdtempSync(join(tmpdir(), 'tack-ui-'))
    dirs.push(root)
    writeFileSync(join(root, 'a.txt'), 'a')
    expect(buildFileFor(root, '/a.txt')).toBe('a.txt')
    expect(buildFileFor(root, '/../a.txt')).toBe('a.txt')
    expect(buildFileFor(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeUndefined()
    expect(buildFileFor(root, '/%E0%A4%A')).toBeUndefined()
    expect(buildFileFor(root, '/')).toBeUndefined()
  })
})
