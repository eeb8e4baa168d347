// Managing forwarding targets: admin only, validated, secrets never returned; the CLI edits the same list.
import { execFile } from 'node:child_process'
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
    expect(pin.info['remote.hosted.details']).toMatch(/^hosted unreachable: .*retrying$/)
    const health = await json(await tack.api('/api/status'))
    expect(health.remotes.find((r: { name: string }) => r.name === 'hosted').pins.queued).toBe(1)
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
      expect((await cli('rm', 'lab')).stdout).toContain('removed remote lab')
      expect((await cli('list')).stdout).toBe('')
    } finally {
      await tack.destroy()
    }
  })
})
