// API keys against a real SQLite file: hashed at rest, scopes, revocation, last-used, PSA Failure bodies.
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSecret } from '../src/main/core/keys/index.js'
import { paths } from '../src/main/core/state.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { json } from './fixtures/http.js'

async function expectFailure(res: Response, status: number, reason: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = await json(res)
  expect(body.error.reason).toBe(reason)
  expect(typeof body.error.details).toBe('string')
}

describe('keys and auth', () => {
  let tack: TestTack
  beforeAll(async () => {
    tack = await startTack()
  })
  afterAll(() => tack.destroy())

  it('stores only a hash of the secret', async () => {
    const res = await tack.api('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'ci' }), headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(201)
    const created = await json(res)
    expect(created.secret).toMatch(/^tack_/)
    expect(created.scopes).toEqual(['pins:read', 'pins:write', 'files:read', 'files:write'])

    const raw = new Database(paths(tack.dataDir).db, { readonly: true })
    const rows = raw.prepare('SELECT * FROM api_keys').all() as Array<Record<string, unknown>>
    raw.close()
    const dump = JSON.stringify(rows)
    expect(dump).not.toContain(created.secret)
    expect(dump).not.toContain(tack.adminKey)
    expect(rows.find((r) => r.id === created.id)?.secret_hash).toBe(hashSecret(created.secret))
  })

  it('answers 401 for a missing, malformed or unknown key, with a PSA Failure body', async () => {
    await expectFailure(await tack.api('/api/status', { key: null }), 401, 'UNAUTHORIZED')
    await expectFailure(await tack.api('/api/status', { headers: { authorization: 'Basic abc' }, key: null }), 401, 'UNAUTHORIZED')
    await expectFailure(await tack.api('/api/status', { key: 'tack_not-a-real-key' }), 401, 'UNAUTHORIZED')
  })

  it('answers 403 when the key lacks the scope, 404 for an unknown route (with or without a key)', async () => {
    const readOnly = tack.keyFor('alice', ['pins:read'])
    await expectFailure(await tack.api('/api/accounts', { key: readOnly }), 403, 'FORBIDDEN')
    await expectFailure(await tack.api('/api/nope'), 404, 'NOT_FOUND')
    await expectFailure(await tack.api('/api/nope', { key: null }), 404, 'NOT_FOUND')
  })

  it('rejects a revoked key and records last use', async () => {
    const { key, secret } = tack.core.state.keys.create({ accountId: tack.core.state.accounts.ensureOwner().id, name: 'temp' })
    expect(key.lastUsed).toBeNull()
    expect((await tack.api('/api/accounts/me', { key: secret })).status).toBe(200)
    const used = tack.core.state.keys.get(key.id).lastUsed
    expect(used).toBeInstanceOf(Date)
    expect(Date.now() - used!.getTime()).toBeLessThan(60_000)

    expect((await tack.api(`/api/keys/${key.id}`, { method: 'DELETE' })).status).toBe(204)
    await expectFailure(await tack.api('/api/accounts/me', { key: secret }), 401, 'UNAUTHORIZED')
    const listed = await json(await tack.api('/api/keys'))
    const revoked = listed.results.find((k: { id: string }) => k.id === key.id)
    expect(revoked.revoked).not.toBeNull()
    expect(JSON.stringify(listed)).not.toContain('secret')
  })

  it('gives 400 for bad input instead of a 5xx', async () => {
    const post = (body: string) =>
      tack.api('/api/keys', { method: 'POST', body, headers: { 'content-type': 'application/json' } })
    await expectFailure(await post('{'), 400, 'BAD_REQUEST')
    await expectFailure(await post('[]'), 400, 'BAD_REQUEST')
    await expectFailure(await post(JSON.stringify({ name: 'x', scopes: ['root'] })), 400, 'BAD_REQUEST')
    await expectFailure(await post(JSON.stringify({ name: '' })), 400, 'BAD_REQUEST')
    await expectFailure(await post(JSON.stringify({ name: 'x', account: 'nobody' })), 404, 'NOT_FOUND')
  })

  it('lets only the desktop app origin call the API cross-origin', async () => {
    const preflight = await tack.api('/api/pinning/pins', {
      method: 'OPTIONS',
      key: null,
      headers: { origin: 'app://tack', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('app://tack')
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization')
    const fromApp = await tack.api('/api/accounts/me', { headers: { origin: 'app://tack' } })
    expect(fromApp.headers.get('access-control-allow-origin')).toBe('app://tack')
    const stream = new AbortController()
    const events = await tack.api('/api/events', { headers: { origin: 'app://tack' }, signal: stream.signal })
    expect(events.headers.get('access-control-allow-origin')).toBe('app://tack')
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/)
    stream.abort()
    const fromWeb = await tack.api('/api/accounts/me', { headers: { origin: 'http://evil.example' } })
    expect(fromWeb.headers.get('access-control-allow-origin')).toBeNull()
    const webPreflight = await tack.api('/api/accounts/me', { method: 'OPTIONS', key: null, headers: { origin: 'http://evil.example' } })
    // No route answers OPTIONS: a foreign preflight hears 404 and, without the CORS header, the browser stops there.
    expect(webPreflight.status).toBe(404)
    expect(webPreflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('keeps accounts apart: a non-admin key sees only its own keys and cannot revoke others', async () => {
    const bob = tack.keyFor('bob')
    const carol = tack.keyFor('carol')
    const carolKeys = await json(await tack.api('/api/keys', { key: carol }))
    const bobKeys = await json(await tack.api('/api/keys', { key: bob }))
    expect(bobKeys.results).toHaveLength(1)
    expect(bobKeys.results[0].name).toBe('test-bob')
    await expectFailure(await tack.api(`/api/keys/${carolKeys.results[0].id}`, { method: 'DELETE', key: bob }), 404, 'NOT_FOUND')
  })

  it('lets a key revoke only keys of its account that can do nothing it cannot', async () => {
    const state = tack.core.state
    const dave = state.accounts.create('dave')
    const full = state.keys.create({ accountId: dave.id, name: 'full' })
    const reader = state.keys.create({ accountId: dave.id, name: 'reader', scopes: ['pins:read'] })
    const otherReader = state.keys.create({ accountId: dave.id, name: 'other reader', scopes: ['pins:read'] })
    const revoke = (id: string, key: string) => tack.api(`/api/keys/${id}`, { method: 'DELETE', key })
    // A read-only key (given to a CI job, say) cannot take the account's full key away.
    await expectFailure(await revoke(full.key.id, reader.secret), 403, 'FORBIDDEN')
    expect(state.keys.get(full.key.id).revoked).toBeNull()
    expect((await tack.api('/api/accounts/me', { key: full.secret })).status).toBe(200)
    // It can revoke a key with its own scopes, itself included; the full key can revoke a lesser one.
    expect((await revoke(otherReader.key.id, reader.secret)).status).toBe(204)
    expect((await revoke(reader.key.id, reader.secret)).status).toBe(204)
    await expectFailure(await tack.api('/api/pinning/pins', { key: reader.secret }), 401, 'UNAUTHORIZED')
    const another = state.keys.create({ accountId: dave.id, name: 'another', scopes: ['files:read'] })
    expect((await revoke(another.key.id, full.secret)).status).toBe(204)
  })
})
