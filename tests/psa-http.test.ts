// The Pinning Service API over HTTP against a real core (real Kubo, real SQLite): every validation rule,
// the listing semantics, scopes, isolation between accounts, replace, delete, reference counting, quota,
// and the live event stream.
import { base64 } from 'multiformats/bases/base64'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { holdsFor, KUBO_POLL } from './fixtures/poll.js'
import { psaClient, type PsaClient } from './fixtures/psa.js'

let tack: TestTack
let alice: PsaClient
let bob: PsaClient
let aliceKey: string

/** Adds content to Tack's own Kubo without pinning it (dag-pb leaves, so v0 and v1 share a multihash). */
async function held(text: string, cidVersion: 0 | 1 = 1): Promise<string> {
  const form = new FormData()
  form.append('file', new Blob([text]))
  const res = await tack.core.kubo.client.call('add', { 'cid-version': String(cidVersion), 'raw-leaves': 'false', pin: 'false', quiet: 'true' }, { body: form })
  const hash = ((await res.json()) as { Hash: string }).Hash
  expect(hash, 'the CID Kubo added').toMatch(cidVersion === 0 ? /^Qm[1-9A-HJ-NP-Za-km-z]{44}$/ : /^baf[a-z2-7]{56}$/)
  return hash
}
const isPinned = (cid: string) => tack.core.kubo.client.isPinned(cid)
const MISSING = 'bafkreie7ohywtosou76tasm7j63yigtzxe7d5zqus4zu3j6oltvgtibeom'

beforeAll(async () => {
  tack = await startTack({ config: { pinTimeoutMs: 4000 } })
  aliceKey = tack.keyFor('alice', ['pins:read', 'pins:write'])
  alice = psaClient(tack, aliceKey)
  bob = psaClient(tack, tack.keyFor('bob', ['pins:read', 'pins:write']))
})
afterAll(() => tack?.destroy())

const expectFailure = (res: { status: number; headers: Headers; json: any }, status: number, reason: string) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(res.status, JSON.stringify(res.json)).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect(res.json.error.reason).toBe(reason)
  expect(typeof res.json.error.details).toBe('string')
}

// The identity multibase: NUL, then a CID's bytes; here those of an identity CID whose "digest" is a path.
const identityMultibase = (() => {
  const digest = Buffer.from('/../bafyvictim#')
  return '\u0000' + Buffer.from([1, 0x55, 0, digest.length, ...digest]).toString('latin1')
})()

describe('validation', () => {
  it.each([
    ['not JSON', '{nope'],
    ['an array', []],
    ['a string', '"bafkqaaa"'],
    ['no cid', { name: 'x' }],
    ['a numeric cid', { cid: 42 }],
    ['an invalid cid', { cid: 'not-a-cid' }],
    ['a path for a cid', { cid: '/ipfs/bafkqaaa' }],
    ['a cid in the identity multibase', { cid: identityMultibase }],
    ['a long name', { cid: 'bafkqaaa', name: 'n'.repeat(256) }],
    ['a numeric name', { cid: 'bafkqaaa', name: 7 }],
    ['origins as a string', { cid: 'bafkqaaa', origins: '/ip4/1.2.3.4/tcp/1' }],
    ['a numeric origin', { cid: 'bafkqaaa', origins: [1] }],
    ['an origin that is not a multiaddr', { cid: 'bafkqaaa', origins: ['/ip4/127.0.0.1/tcp/1', 'junk'] }],
    ['an origin with a bad address', { cid: 'bafkqaaa', origins: ['/ip4/300.0.0.1/tcp/1'] }],
    ['meta as an array', { cid: 'bafkqaaa', meta: ['a'] }],
    ['a numeric meta value', { cid: 'bafkqaaa', meta: { a: 1 } }],
    ['too many meta keys', { cid: 'bafkqaaa', meta: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, 'v'])) }],
    ['a huge meta value', { cid: 'bafkqaaa', meta: { a: 'v'.repeat(5000) } }],
  ])('POST /pins with %s is 400', async (_what, body) => {
    expectFailure(await alice.call('POST', '/pins', body), 400, 'BAD_REQUEST')
  })

  it('POST /pins/{id} validates the same way', async () => {
    const pin = await alice.add({ cid: 'bafkqaaa', name: 'to-replace-invalid' })
    expectFailure(await alice.call('POST', `/pins/${pin.requestid}`, { cid: 'nope' }), 400, 'BAD_REQUEST')
    expect((await alice.get(pin.requestid)).requestid).toBe(pin.requestid)
  })

  it.each([
    'limit=0', 'limit=1001', 'limit=abc', 'limit=1.5', 'limit=-1', 'limit=1&limit=2',
    `cid=${Array.from({ length: 11 }, (_, i) => `bafkqaa${'abcdefghijk'[i]}`).join(',')}`,
    'cid=not-a-cid', 'cid=', 'cid=bafkqaaa,,bafkqaaa',
    'status=bogus', 'status=', 'status=pinned,nope',
    'match=fuzzy', `name=${'n'.repeat(256)}`,
    'meta=%7Bnope', 'meta=%5B%5D', 'meta=%7B%22a%22%3A1%7D',
    'before=yesterday', 'after=2020-13-01T00:00:00Z', 'before=2020-02-30T00:00:00Z', 'after=2020-01-01',
  ])('GET /pins?%s is 400', async (query) => {
    expectFailure(await alice.call('GET', `/pins?${query}`), 400, 'BAD_REQUEST')
  })

  it('accepts Kubo-style timestamps: 9 fractional digits, +hh:mm offsets', async () => {
    for (const t of ['2099-01-01T00:00:00.123456789Z', '2099-01-01T01:00:00.5+01:00', '2099-01-01T01:00:00+01:00']) {
      const res = await alice.call('GET', `/pins?before=${encodeURIComponent(t)}`)
      expect(res.status, t).toBe(200)
    }
    expect((await alice.call('GET', '/pins?limit=1000')).status).toBe(200)
  })

  it('answers 401 with a Failure body for a missing, malformed or wrong key', async () => {
    const variants: Array<Record<string, string>> = [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer tack_wrong' }]
    for (const headers of variants) {
      const res = await fetch(`${tack.url}/api/pinning/pins`, { headers })
      expect(res.status).toBe(401)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(((await res.json()) as { error: { reason: string } }).error.reason).toBe('UNAUTHORIZED')
    }
  })

  it('answers unknown routes with a JSON 404, and tolerates //pins and a trailing slash', async () => {
    expectFailure(await alice.call('GET', '/nothing'), 404, 'NOT_FOUND')
    expectFailure(await alice.call('GET', '/pins/no-such-id'), 404, 'NOT_FOUND')
    expectFailure(await alice.call('DELETE', '/pins/no-such-id'), 404, 'NOT_FOUND')
    expectFailure(await alice.call('POST', '/pins/no-such-id', { cid: 'bafkqaaa' }), 404, 'NOT_FOUND')
    expect((await alice.call('GET', '//pins')).status).toBe(200)
    expect((await alice.call('GET', '/pins/')).status).toBe(200)
  })
})

describe('pin objects', () => {
  it('POST answers 202 with a complete PinStatus and Kubo delegates', async () => {
    const cid = await held('a complete pin status')
    const res = await alice.call('POST', '/pins', { cid, name: 'shape', origins: ['/ip4/127.0.0.1/tcp/1/p2p/12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq'], meta: { app: 'x' } })
    expect(res.status).toBe(202)
    const pin = res.json
    expect(pin.requestid).toMatch(/^[\w-]{8,}$/)
    expect(['queued', 'pinning', 'pinned']).toContain(pin.status)
    expect(pin.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(pin.pin).toEqual({ cid, name: 'shape', origins: ['/ip4/127.0.0.1/tcp/1/p2p/12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq'], meta: { app: 'x' } })
    expect(pin.delegates.length).toBeGreaterThanOrEqual(1)
    expect(pin.delegates.length).toBeLessThanOrEqual(20)
    for (const d of pin.delegates) expect(d).toMatch(new RegExp(`/p2p/${tack.core.kubo.identity()!.ID}$`))
    expect(JSON.stringify(pin)).not.toContain('null')
    const done = await alice.waitFor(pin.requestid, 'pinned')
    expect(Number(done.info?.dag_size)).toBeGreaterThan(0)
    expect(await isPinned(cid)).toBe(true)
  })

  it('an account without a quota reads pinned once Kubo pins, and its dag_size and usage follow', async () => {
    const owner = psaClient(tack, tack.adminKey)
    const ownerId = tack.core.state.accounts.ensureOwner().id
    const before = tack.core.pins.usageOf(ownerId)
    const cid = await held('pinned before its size is known')
    const pin = await owner.waitFor((await owner.add({ cid })).requestid, 'pinned')
    expect(await isPinned(cid)).toBe(true)
    await expect.poll(async () => Number((await owner.get(pin.requestid)).info?.dag_size), { timeout: 10_000 }).toBeGreaterThan(0)
    const size = Number((await owner.get(pin.requestid)).info?.dag_size)
    expect(tack.core.pins.usageOf(ownerId)).toBe(before + size)
  })

  it('pins identity CIDs at once, and content Tack holds already without queueing', async () => {
    const inline = await alice.add({ cid: 'bafkqaaa' })
    expect(inline.status).toBe('pinned')
    const cid = await held('already held')
    const first = await alice.add({ cid })
    await alice.waitFor(first.requestid, 'pinned')
    const second = await bob.add({ cid })
    expect(second.status).toBe('pinned')
  })

  it('fails content nobody provides after the deadline, with the reason in info', async () => {
    const pin = await alice.add({ cid: MISSING, name: 'nobody-has-it' })
    const failed = await alice.waitFor(pin.requestid, 'failed', 30_000)
    expect(failed.info?.status_details).toMatch(/not found/)
  })

  it('lists newest first with unique millisecond created, count with before/after applied, and limit', async () => {
    const made = []
    for (let i = 0; i < 5; i++) made.push(await alice.add({ cid: 'bafkqaaa', name: `order-${i}`, meta: { batch: 'order' } }))
    const created = made.map((p) => Date.parse(p.created))
    expect(new Set(created).size).toBe(5)
    const page = await alice.list('?meta=' + encodeURIComponent('{"batch":"order"}') + '&limit=2')
    expect(page.count).toBe(5)
    expect(page.results.map((p) => p.pin.name)).toEqual(['order-4', 'order-3'])
    const next = await alice.list(`?meta=${encodeURIComponent('{"batch":"order"}')}&limit=2&before=${encodeURIComponent(page.results[1]!.created)}`)
    expect(next.count).toBe(3)
    expect(next.results.map((p) => p.pin.name)).toEqual(['order-2', 'order-1'])
    const after = await alice.list(`?meta=${encodeURIComponent('{"batch":"order"}')}&after=${encodeURIComponent(made[2]!.created)}`)
    expect(after.results.map((p) => p.pin.name)).toEqual(['order-4', 'order-3'])
    const window = await alice.list(`?name=order-&match=partial&after=${encodeURIComponent(made[0]!.created)}&before=${encodeURIComponent(made[4]!.created)}`)
    expect(window.count).toBe(3)
  })

  it('pins a CID sent in base64, whose string can hold a /, and echoes it as sent', async () => {
    let cid = ''
    let sent = ''
    for (let i = 0; !sent.includes('/'); i++) {
      cid = await held(`spelled in base64 ${i}`)
      sent = CID.parse(cid).toString(base64)
    }
    const pin = await alice.add({ cid: sent })
    const done = await alice.waitFor(pin.requestid, 'pinned')
    expect(done.pin.cid).toBe(sent)
    expect(await isPinned(cid)).toBe(true)
  })

  it('filters by cid (v0 and v1 of the same content match; CIDs echoed as sent)', async () => {
    const v0 = await held('two spellings', 0)
    const v1 = await held('two spellings', 1)
    expect(v0).toMatch(/^Qm/)
    const a = await alice.add({ cid: v0, name: 'spelled-v0' })
    const b = await alice.add({ cid: v1, name: 'spelled-v1' })
    await alice.waitFor(a.requestid, 'pinned')
    await alice.waitFor(b.requestid, 'pinned')
    for (const query of [v0, v1]) {
      const res = await alice.list(`?cid=${query}`)
      expect(res.results.map((p) => p.pin.cid).sort()).toEqual([v0, v1].sort())
    }
    await alice.add({ cid: 'bafkqaaa', name: 'repeated-cid' })
    const repeated = await alice.list(`?cid=${v0}&cid=bafkqaaa&status=pinned`)
    expect(repeated.results.map((p) => p.pin.cid)).toEqual(expect.arrayContaining([v0, v1, 'bafkqaaa']))
  })

  it('matches names exact, iexact, partial and ipartial; names may contain /', async () => {
    await alice.add({ cid: 'bafkqaaa', name: 'Photos/Holiday 2024' })
    const names = async (q: string) => (await alice.list(q)).results.map((p) => p.pin.name)
    expect(await names(`?name=${encodeURIComponent('Photos/Holiday 2024')}`)).toEqual(['Photos/Holiday 2024'])
    expect(await names(`?name=${encodeURIComponent('photos/holiday 2024')}`)).toEqual([])
    expect(await names(`?name=${encodeURIComponent('photos/holiday 2024')}&match=iexact`)).toEqual(['Photos/Holiday 2024'])
    expect(await names(`?name=Holiday&match=partial`)).toEqual(['Photos/Holiday 2024'])
    expect(await names(`?name=holiday&match=partial`)).toEqual([])
    expect(await names(`?name=HOLIDAY&match=ipartial`)).toEqual(['Photos/Holiday 2024'])
  })

  it('lists pinned only without filters, every status with a filter and no status', async () => {
    const queued = await alice.add({ cid: MISSING, name: 'status-rule' })
    const plain = await alice.list('?limit=1000')
    expect(plain.results.every((p) => p.status === 'pinned')).toBe(true)
    expect(plain.results.some((p) => p.requestid === queued.requestid)).toBe(false)
    const byName = await alice.list('?name=status-rule')
    expect(byName.results.map((p) => p.requestid)).toEqual([queued.requestid])
    const explicit = await alice.list('?name=status-rule&status=pinned')
    expect(explicit.count).toBe(0)
    const both = await alice.list('?name=status-rule&status=queued,pinning,failed')
    expect(both.count).toBe(1)
  })

  it('filters by meta with AND', async () => {
    await alice.add({ cid: 'bafkqaaa', meta: { app: 'meta-test', env: 'prod' } })
    await alice.add({ cid: 'bafkqaaa', meta: { app: 'meta-test', env: 'dev' } })
    const meta = (m: object) => alice.list(`?meta=${encodeURIComponent(JSON.stringify(m))}`)
    expect((await meta({ app: 'meta-test' })).count).toBe(2)
    expect((await meta({ app: 'meta-test', env: 'prod' })).count).toBe(1)
    expect((await meta({ app: 'meta-test', env: 'qa' })).count).toBe(0)
  })
})

describe('accounts, scopes, replace, delete, refcounts, quota', () => {
  it('needs pins:read to read and pins:write to write', async () => {
    const reader = psaClient(tack, tack.keyFor('alice', ['pins:read']))
    const writer = psaClient(tack, tack.keyFor('alice', ['pins:write']))
    const filesOnly = psaClient(tack, tack.keyFor('alice', ['files:read']))
    const pin = await alice.add({ cid: 'bafkqaaa', name: 'scoped' })
    expect((await reader.call('GET', '/pins')).status).toBe(200)
    expect((await reader.call('GET', `/pins/${pin.requestid}`)).status).toBe(200)
    expectFailure(await reader.call('POST', '/pins', { cid: 'bafkqaaa' }), 403, 'FORBIDDEN')
    expectFailure(await reader.call('POST', `/pins/${pin.requestid}`, { cid: 'bafkqaaa' }), 403, 'FORBIDDEN')
    expectFailure(await reader.call('DELETE', `/pins/${pin.requestid}`), 403, 'FORBIDDEN')
    expectFailure(await writer.call('GET', '/pins'), 403, 'FORBIDDEN')
    expectFailure(await writer.call('GET', `/pins/${pin.requestid}`), 403, 'FORBIDDEN')
    expect((await writer.call('POST', '/pins', { cid: 'bafkqaaa' })).status).toBe(202)
    expectFailure(await filesOnly.call('GET', '/pins'), 403, 'FORBIDDEN')
  })

  it('keeps accounts apart: another account\'s requestid is 404', async () => {
    const mine = await alice.add({ cid: 'bafkqaaa', name: 'alice-only' })
    expectFailure(await bob.call('GET', `/pins/${mine.requestid}`), 404, 'NOT_FOUND')
    expectFailure(await bob.call('DELETE', `/pins/${mine.requestid}`), 404, 'NOT_FOUND')
    expectFailure(await bob.call('POST', `/pins/${mine.requestid}`, { cid: 'bafkqaaa' }), 404, 'NOT_FOUND')
    expect((await bob.list('?name=alice-only')).count).toBe(0)
    expect((await alice.get(mine.requestid)).requestid).toBe(mine.requestid)
  })

  it('deletes with an empty 202; the object disappears at once', async () => {
    const pin = await alice.add({ cid: 'bafkqaaa', name: 'to-delete' })
    const res = await tack.api(`/api/pinning/pins/${pin.requestid}`, { key: aliceKey, method: 'DELETE' })
    expect(res.status).toBe(202)
    expect(await res.text()).toBe('')
    expectFailure(await alice.call('GET', `/pins/${pin.requestid}`), 404, 'NOT_FOUND')
    expect((await alice.list('?name=to-delete')).count).toBe(0)
  })

  it('replaces: a new object, the old one 404 at once, shared data pinned throughout', async () => {
    const cidA = await held('replace me')
    const old = await alice.add({ cid: cidA, name: 'replaceable' })
    await alice.waitFor(old.requestid, 'pinned')
    const cidB = await held('the replacement')
    const res = await alice.call('POST', `/pins/${old.requestid}`, { cid: cidB, name: 'replaceable' })
    expect(res.status).toBe(202)
    expect(res.json.requestid).not.toBe(old.requestid)
    expect(Date.parse(res.json.created)).toBeGreaterThan(Date.parse(old.created))
    expectFailure(await alice.call('GET', `/pins/${old.requestid}`), 404, 'NOT_FOUND')
    await alice.waitFor(res.json.requestid, 'pinned')
    expect(await isPinned(cidB)).toBe(true)
    await expect.poll(() => isPinned(cidA), KUBO_POLL).toBe(false)
    const listed = await alice.list('?name=replaceable')
    expect(listed.results.map((p) => p.requestid)).toEqual([res.json.requestid])
  })

  it('replacing with the same content never unpins it', async () => {
    const cid = await held('same content replaced')
    const old = await alice.add({ cid })
    await alice.waitFor(old.requestid, 'pinned')
    const next = await alice.call('POST', `/pins/${old.requestid}`, { cid, name: 'renamed' })
    expect(next.json.status).toBe('pinned')
    // An unpin of the replaced object would come asynchronously: it must not come at all.
    await holdsFor(() => isPinned(cid), 'the content stays pinned in Kubo')
  })

  it('counts references across objects and accounts: Kubo unpins only when the last goes', async () => {
    const v0 = await held('shared by two accounts', 0)
    const v1 = await held('shared by two accounts', 1)
    const a = await alice.add({ cid: v0 })
    const b = await bob.add({ cid: v1 })
    await alice.waitFor(a.requestid, 'pinned')
    await bob.waitFor(b.requestid, 'pinned')
    // Kubo keeps one pin per CID string; Tack keeps one per multihash, under either spelling.
    const contentPinned = async () => (await isPinned(v0)) || (await isPinned(v1))
    expect((await alice.call('DELETE', `/pins/${a.requestid}`)).status).toBe(202)
    await holdsFor(contentPinned, "bob's reference keeps the content pinned in Kubo")
    expect((await bob.get(b.requestid)).status).toBe('pinned')
    expect((await bob.call('DELETE', `/pins/${b.requestid}`)).status).toBe(202)
    await expect.poll(contentPinned, KUBO_POLL).toBe(false)
  })

  it('charges dag_size to the account; over quota is 409, and a pin that would exceed it fails', async () => {
    const key = tack.keyFor('carol', ['pins:read', 'pins:write'])
    const carol = psaClient(tack, key)
    const account = tack.core.state.accounts.byName('carol')
    const small = await held('x'.repeat(2000))
    const pinned = await carol.waitFor((await carol.add({ cid: small })).requestid, 'pinned')
    const size = Number(pinned.info?.dag_size)
    expect(size).toBeGreaterThan(2000)
    expect(tack.core.pins.usageOf(account.id)).toBe(size)
    const me = await tack.api('/api/accounts/me', { key })
    expect(((await me.json()) as { usage: number }).usage).toBe(size)

    tack.core.state.accounts.setQuota(account.id, size + 100)
    const big = await held('y'.repeat(5000))
    const tooBig = await carol.waitFor((await carol.add({ cid: big })).requestid, 'failed')
    expect(tooBig.info?.status_details).toMatch(/INSUFFICIENT_FUNDS/)
    await expect.poll(() => isPinned(big), KUBO_POLL).toBe(false)

    tack.core.state.accounts.setQuota(account.id, size)
    expectFailure(await carol.call('POST', '/pins', { cid: 'bafkqaaa' }), 409, 'INSUFFICIENT_FUNDS')
  })
})

describe('live events', () => {
  it('streams each account only its own pin events', async () => {
    const controller = new AbortController()
    const res = await fetch(`${tack.url}/api/events`, { headers: { authorization: `Bearer ${aliceKey}` }, signal: controller.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reader = res.body!.getReader()
    let text = ''
    const mine = await alice.add({ cid: 'bafkqaaa', name: 'evented' })
    await bob.add({ cid: 'bafkqaaa', name: 'not-for-alice' })
    // A file of Alice's own account: her key cannot read files, so its event is not hers to hear either.
    const upload = await fetch(`${tack.url}/api/files?name=files-not-for-this-key.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tack.keyFor('alice', ['files:write'])}` },
      body: 'not for a pins key',
    })
    expect(upload.status).toBe(201)
    // Alice's sentinel is published after Bob's event: one stream delivers in order, so once the sentinel is
    // read, Bob's event would have been read before it had it leaked.
    const sentinel = await alice.add({ cid: 'bafkqaaa', name: 'sentinel' })
    const timer = setTimeout(() => controller.abort(), 15_000)
    try {
      while (!text.includes(sentinel.requestid)) {
        // Aborted at the deadline: end the loop and let the sentinel check below say what was missing.
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }))
        if (done) break
        text += new TextDecoder().decode(value)
      }
    } finally {
      clearTimeout(timer)
      controller.abort()
    }
    expect(text, 'the stream ended before the sentinel event').toContain(sentinel.requestid)
    expect(text).toContain('event: pin')
    const events = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as { requestid: string; name?: string; status: string })
    expect(events.find((e) => e.requestid === mine.requestid)).toMatchObject({ name: 'evented', status: 'pinned' })
    expect(text).not.toContain('not-for-alice')
    expect(text).not.toContain('event: file')
    expect(text).not.toContain('files-not-for-this-key')
  })

  it('refuses the stream to a key that can read neither pins nor files', async () => {
    const writeOnly = tack.keyFor('alice', ['pins:write'])
    const res = await fetch(`${tack.url}/api/events`, { headers: { authorization: `Bearer ${writeOnly}` } })
    expectFailure({ status: res.status, headers: res.headers, json: await res.json() }, 403, 'FORBIDDEN')
  })
})
