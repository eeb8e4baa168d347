// Managing forwarding targets: admin only, validated, secrets never returned; the CLI edits the same list.
import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { json } from './fixtures/http.js'
import { waitFor } from './fixtures/processes.js'

const run = promisify(execFile)

describe('/api/remotes', () => {
  let tack: TestTack
  beforeAll(async () => {
    tack = await startTack({ config: { remotePollMs: 200 } })
  })
  afterAll(() => tack.destroy())
  const post = (body: unknown, key?: string) =>
    tack.api('/api/remotes', { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  it('needs the admin scope', async () => {
    const user = tack.keyFor('dora')
    expect((await tack.api('/api/remotes', { key: user })).status).toBe(403)
    expect((await post({ name: 'x', kind: 'psa', url: 'http://127.0.0.1:1' }, user)).status).toBe(403)
    // Nor does the status show them to a key without it; an admin's does.
    const userStatus = (await (await tack.api('/api/status', { key: user })).json()) as Record<string, unknown>
    expect(userStatus.healthy).toBeDefined()
    expect(userStatus).not.toHaveProperty('remotes')
    expect(await (await tack.api('/api/status')).json()).toHaveProperty('remotes')
  })

  it('refuses bad targets with 400 and names the problem', async () => {
    for (const [body, words] of [
      [{ name: 'x', kind: 'ftp', url: 'http://127.0.0.1:1' }, 'kind'],
      [{ name: 'x', kind: 'psa', url: 'not a url' }, 'not a URL'],
      [{ name: 'x', kind: 'psa', url: 'file:///etc/passwd' }, 'http'],
      [{ name: '../x', kind: 'psa', url: 'http://127.0.0.1:1' }, 'name'],
      [{ name: 'x', kind: 'cluster', url: 'http://127.0.0.1:1', replicationMin: 3, replicationMax: 2 }, 'replication'],
      [{ name: 'x', kind: 'psa', url: 'http://127.0.0.1:1', surprise: true }, 'surprise'],
    ] as const) {
      const res = await post(body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect((await json(res)).error.details).toContain(words)
    }
    expect((await post({ name: 'x', kind: 'psa', url: 'http://127.0.0.1:1', accounts: ['nobody'] })).status).toBe(404)
  })

  /** Every port Tack itself listens on: its API, Kubo's swarm, MinIO's S3 API (Kubo's RPC and gateway are on sockets). */
  const ownPorts = () => {
    const kubo = tack.core.kubo.ports()
    return {
      api: Number(new URL(tack.url).port),
      'kubo swarm': kubo.swarm,
      minio: Number(new URL(tack.core.objectStorage.endpoint()).port),
    }
  }

  it("refuses targets aimed at Tack's own services, on every loopback spelling", async () => {
    const ports = ownPorts()
    expect(Object.values(ports).every((p) => p > 0)).toBe(true)
    for (const [what, port] of Object.entries(ports)) {
      for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
        const url = `http://${host}:${port}/api/pinning`
        const res = await post({ name: 'self', kind: 'psa', url })
        expect(res.status, `${what} ${url}`).toBe(400)
        expect(res.headers.get('content-type')).toMatch(/^application\/json/)
        const body = await json(res)
        expect(body.error.reason, url).toBe('BAD_REQUEST')
        expect(body.error.details, url).toContain("Tack's own")
      }
    }
    // The attack from the issue, aimed at Kubo's one TCP listener Tack owns (its RPC and gateway are on sockets now).
    const shutdown = await post({ name: 'self', kind: 'psa', url: `http://127.0.0.1:${ports['kubo swarm']}/api/v0/shutdown#` })
    expect(shutdown.status).toBe(400)
    expect((await json(await tack.api('/api/remotes'))).results.map((r: { name: string }) => r.name)).not.toContain('self')
  })

  it('refuses non-http schemes, userinfo, a query and a fragment', async () => {
    for (const [url, words] of [
      ['ftp://127.0.0.1:2121/', 'http'],
      ['http://user:pw@127.0.0.1:9094', 'userinfo'],
      ['http://user@127.0.0.1:9094', 'userinfo'],
      ['http://127.0.0.1:9094/?x=1', 'query'],
      ['http://127.0.0.1:9094/#', 'fragment'],
    ] as const) {
      const res = await post({ name: 'odd', kind: 'cluster', url })
      expect(res.status, url).toBe(400)
      const body = await json(res)
      expect(body.error.reason).toBe('BAD_REQUEST')
      expect(body.error.details, url).toContain(words)
    }
  })

  it('accepts another service on loopback (a port Tack does not own)', async () => {
    const server: Server = createServer((_req, res) => res.writeHead(404).end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as { port: number }).port
      expect(Object.values(ownPorts())).not.toContain(port)
      for (const [name, host] of [['neighbour-v4', '127.0.0.1'], ['neighbour-name', 'localhost']]) {
        const res = await post({ name, kind: 'cluster', url: `http://${host}:${port}` })
        expect(res.status, host).toBe(201)
        expect((await tack.api(`/api/remotes/${name}`, { method: 'DELETE' })).status).toBe(204)
      }
    } finally {
      server.close()
    }
  })

  it('checks again before forwarding: a stored target aimed at Kubo is never sent to and shows a lastError', async () => {
    // As if stored before its port became Kubo's: straight into the table, past the check at add.
    const owner = tack.core.state.accounts.ensureOwner()
    const url = `http://127.0.0.1:${tack.core.kubo.ports().swarm}/api/v0/shutdown`
    tack.core.state.db
      .prepare("INSERT INTO remotes (name, kind, url, policy, account_ids, created_at) VALUES ('sneaky', 'psa', ?, 'accounts', ?, ?)")
      .run(url, JSON.stringify([owner.id]), Date.now())
    const res = await tack.api('/api/pinning/pins', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cid: 'bafkqaaa', name: 'to-sneaky' }),
    })
    expect(res.status).toBe(202)
    const sneaky = await waitFor(async () => {
      const list = await json(await tack.api('/api/remotes'))
      const r = list.results.find((x: { name: string }) => x.name === 'sneaky')
      return r?.lastError ? r : undefined
    }, 'a lastError on the target')
    expect(sneaky.reachable).toBe(false)
    expect(sneaky.lastError).toContain("Tack's own")
    // Kubo is still up: nothing was sent to /api/v0/shutdown.
    expect((await tack.core.kubo.client.id()).ID).toBeTruthy()
    expect((await tack.api('/api/remotes/sneaky', { method: 'DELETE' })).status).toBe(204)
  })

  it('stores secrets but never returns them, and refuses a duplicate name', async () => {
    const created = await post({ name: 'hosted', kind: 'psa', url: 'http://127.0.0.1:1/api/pinning', token: 's3cret-token' })
    expect(created.status).toBe(201)
    const basic = await post({ name: 'lab', kind: 'cluster', url: 'http://127.0.0.1:2', basicAuth: { user: 'u', password: 'pw-secret' } })
    expect(basic.status).toBe(201)
    const listed = await json(await tack.api('/api/remotes'))
    expect(listed.results.map((r: { name: string; auth: string }) => [r.name, r.auth])).toEqual([
      ['hosted', 'bearer'],
      ['lab', 'basic'],
    ])
    const everything = JSON.stringify(listed) + JSON.stringify(await json(await tack.api('/api/status')))
    expect(everything).not.toContain('s3cret-token')
    expect(everything).not.toContain('pw-secret')
    expect((await post({ name: 'lab', kind: 'psa', url: 'http://127.0.0.1:3' })).status).toBe(409)
    expect((await tack.api('/api/remotes/lab', { method: 'DELETE' })).status).toBe(204)
    expect((await tack.api('/api/remotes/lab', { method: 'DELETE' })).status).toBe(404)
  })

  it('a target that cannot be reached does not hold up local pinning, and the pin says why', async () => {
    // "hosted" points at a closed port: the pin is pinned locally and its info tells what the target did.
    const res = await tack.api('/api/pinning/pins', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cid: 'bafkqaaa', name: 'inline' }),
    })
    const { requestid, status } = await json(res)
    expect(status).toBe('pinned')
    const pin = await waitFor(async () => {
      const p = await json(await tack.api(`/api/pinning/pins/${requestid}`))
      return p.info?.['remote.hosted.details'] ? p : undefined
    }, 'remote status in the pin')
    expect(pin.status).toBe('pinned')
    expect(pin.info['remote.hosted']).toBe('queued')
    // The reason (it names the target's address) is for the admin's status only.
    expect(pin.info['remote.hosted.details']).toBe('hosted unreachable; retrying')
    const health = await json(await tack.api('/api/status'))
    expect(health.remotes.find((r: { name: string }) => r.name === 'hosted').lastError).toMatch(/\w/)
    expect(health.remotes.find((r: { name: string }) => r.name === 'hosted').pins.queued).toBe(1)
    // An account whose pins "hosted" does not forward pins the same content: its pin says nothing of the target.
    const erin = tack.keyFor('erin', ['pins:read', 'pins:write'])
    const theirs = await json(
      await tack.api('/api/pinning/pins', {
        method: 'POST',
        key: erin,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cid: 'bafkqaaa' }),
      }),
    )
    const seen = await json(await tack.api(`/api/pinning/pins/${theirs.requestid}`, { key: erin }))
    expect(seen.status).toBe('pinned')
    expect(Object.keys(seen.info ?? {}).filter((k) => k.startsWith('remote.'))).toEqual([])
    expect(Object.keys((await json(await tack.api(`/api/pinning/pins/${requestid}`))).info)).toContain('remote.hosted')
  })

  it("a target's refusal shows as its HTTP status and Failure reason, never its own words", async () => {
    // A PSA endpoint that refuses every pin, naming a host in its details (as a proxy's error page might).
    const picky: Server = createServer((req, res) => {
      req.resume()
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { reason: 'BAD_REQUEST', details: 'upstream 10.9.8.7:4001 said no' } }))
    })
    await new Promise<void>((resolve) => picky.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(picky.address() as { port: number }).port}/secret-path/api`
      const ruth = tack.keyFor('ruth', ['pins:read', 'pins:write'])
      expect((await post({ name: 'picky', kind: 'psa', url, accounts: ['ruth'] })).status).toBe(201)
      const res = await tack.api('/api/pinning/pins', {
        method: 'POST',
        key: ruth,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cid: 'bafkqaaa', name: 'refused-there' }),
      })
      const { requestid } = await json(res)
      const pin = await waitFor(async () => {
        const p = await json(await tack.api(`/api/pinning/pins/${requestid}`, { key: ruth }))
        return p.info?.['remote.picky'] === 'failed' ? p : undefined
      }, 'the refusal in the pin')
      expect(pin.status).toBe('pinned') // the local pin is not held up
      expect(pin.info['remote.picky.details']).toBe('picky refused (HTTP 400: BAD_REQUEST)')
      expect(JSON.stringify(pin)).not.toMatch(/10\.9\.8\.7|secret-path/)
    } finally {
      expect((await tack.api('/api/remotes/picky', { method: 'DELETE' })).status).toBe(204)
      await new Promise((resolve) => picky.close(resolve))
    }
  })
})

describe('tack remote', () => {
  it('adds, lists and removes targets in the data dir, without printing secrets', async () => {
    const tack = await startTack()
    await tack.stop()
    const cli = (...args: string[]) =>
      run(process.execPath, ['bin/tack.js', 'remote', ...args], {
        cwd: join(import.meta.dirname, '..'),
        env: { ...process.env, TACK_DATA_DIR: tack.dataDir },
      })
    try {
      const added = await cli('add', 'lab', '--kind', 'cluster', '--url', 'http://127.0.0.1:9094', '--user', 'u', '--password', 'pw-secret', '--replication-min', '1')
      expect(added.stdout).toContain('added remote lab')
      const listed = (await cli('list')).stdout
      expect(listed).toMatch(/^lab\tcluster\thttp:\/\/127\.0\.0\.1:9094\tpolicy accounts\tauth basic/)
      expect(listed).not.toContain('pw-secret')
      await expect(cli('add', 'bad', '--kind', 'cluster', '--url', 'nope')).rejects.toMatchObject({ stderr: expect.stringContaining('not a URL') })
      // The same domain check as the API: Kubo's swarm port (from the repo in the data dir) is refused.
      const kuboSwarm = `http://127.0.0.1:${tack.core.kubo.ports().swarm}/ipfs/x`
      await expect(cli('add', 'self', '--kind', 'psa', '--url', kuboSwarm)).rejects.toMatchObject({ stderr: expect.stringContaining("Tack's own") })
      await expect(cli('add', 'frag', '--kind', 'psa', '--url', 'http://127.0.0.1:9094/#')).rejects.toMatchObject({ stderr: expect.stringContaining('fragment') })
      expect((await cli('rm', 'lab')).stdout).toContain('removed remote lab')
      expect((await cli('list')).stdout).toBe('')
    } finally {
      await tack.destroy()
    }
  })
})
