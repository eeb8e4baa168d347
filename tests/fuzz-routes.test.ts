// A schema-blind fuzzer over every route of the live route table (so a route added later is fuzzed without
// editing this file): random methods' paths with odd parameters, query strings, headers and bodies, with and
// without a key. Whatever arrives, Tack answers below 500, and every error is a PSA Failure body. Bounded in
// time so CI stays fast; fast-check prints the smallest failing request when one is found.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { isPsaFailure, rawRequest } from './fixtures/raw-http.js'

const FIELD_NAMES = [
  'name',
  'cid',
  'origins',
  'meta',
  'quota',
  'lan',
  'scopes',
  'account',
  'kind',
  'url',
  'token',
  'expiresIn',
  'status',
]

const segment = fc.oneof(
  fc.constantFrom(
    'bafkqaaa',
    'QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn',
    '1',
    'x',
    '..',
    '.',
    '%2e%2e',
    '%00',
    '%5c',
    '%ff',
    '%E0%A4%A',
    '',
  ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.string({ minLength: 90, maxLength: 700 }).map(encodeURIComponent),
)

const scalar = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    'bafkqaaa',
    'http://127.0.0.1:1/',
    'pins:read',
    'admin',
    'cluster',
    '-5',
    '1e400',
    '2026-01-01T00:00:00Z',
  ),
)
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 25 }),
  fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 5 }),
)
const jsonBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELD_NAMES), value, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"name":', '[]', 'null', '""', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}'),
)
const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
)
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'limit',
        'cid',
        'name',
        'match',
        'status',
        'before',
        'after',
        'meta',
        'q',
        'format',
        'pin',
        'all',
        'filename',
        'download',
        'sort',
      ),
      fc.string({ maxLength: 30 }),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? '?' + new URLSearchParams(pairs).toString() : ''))

describe('fuzzing every route', () => {
  let tack: TestTack
  beforeAll(async () => {
    tack = await startTack({ config: { lanPort: 0 } })
  })
  afterAll(() => tack.destroy())

  it('never answers 5xx, and every error is a PSA Failure', async () => {
    const routes = tack.core.routes()
    expect(routes.length).toBeGreaterThan(20)
    const request = fc.record({
      route: fc.constantFrom(...routes),
      params: fc.array(segment, { minLength: 3, maxLength: 3 }),
      rest: fc.array(segment, { maxLength: 3 }),
      query,
      body: jsonBody,
      contentType,
      withKey: fc.boolean(),
    })
    let runs = 0
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        runs++
        let i = 0
        const path = r.route.url.replace(/:(\w+)/g, () => r.params[i++ % 3] || 'x').replace(/\*$/, r.rest.join('/'))
        const hasBody = !['GET', 'HEAD', 'DELETE'].includes(r.route.method)
        const headers: Record<string, string> = {}
        if (r.withKey) headers.authorization = `Bearer ${tack.adminKey}`
        if (hasBody && r.contentType) headers['content-type'] = r.contentType
        const res = await rawRequest(tack.url, path + r.query, {
          method: r.route.method,
          headers,
          body: hasBody ? r.body : undefined,
        })
        const what = `${r.route.method} ${path}${r.query} → ${res.status} ${res.body.slice(0, 300)}`
        if (res.status >= 500) throw new Error(what)
        if (res.status >= 400 && r.route.method !== 'HEAD' && !isPsaFailure(res.body))
          throw new Error(`not a PSA Failure: ${what}`)
      }),
      { numRuns: 15_000, interruptAfterTimeLimit: 45_000, markInterruptAsFailure: false },
    )
    // The time bound must still leave a real run behind it.
    expect(runs).toBeGreaterThan(1000)
  })
})
