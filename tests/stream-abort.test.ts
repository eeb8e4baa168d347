// Readers that go away mid-body, against a real `tack serve` (a child process, as users run it): an export, a
// gateway read (from Kubo and from the object store), a signed link and an event stream, each cut after its
// first bytes. Serve must stay up and keep answering, the same reads must work again in full, and no spool of
// the export (a copy of tack.db with key hashes) may stay in the data dir. A spool a crash left behind is
// removed at the next start.
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { paths } from '../src/main/core/state.js'
import { kuboBinary } from './fixtures/binaries.js'
import { json } from './fixtures/http.js'
import { holdsFor, KUBO_POLL } from './fixtures/poll.js'
import { spawnServe, type ServeProcess } from './fixtures/serve.js'
import { tempDir } from './fixtures/tmp.js'

const SPOOL = /^tack-(export|import)-/
const ROOT = join(import.meta.dirname, '..')
/** Reads cut one after another where what each holds is counted. */
const CUTS = 12

describe('a reader that goes away mid-body', () => {
  const dir = tempDir()
  let serve: ServeProcess
  let auth: Record<string, string>
  const spools = () => readdirSync(dir.path).filter((n) => SPOOL.test(n))
  /** Descriptors serve holds open (Linux). */
  const openFiles = () => readdirSync(`/proc/${serve.child.pid}/fd`).length

  const upload = async (query: string, bytes: Buffer): Promise<string> => {
    const res = await fetch(`${serve.url}/api/files?${query}`, { method: 'PUT', headers: auth, body: bytes })
    expect(res.status).toBe(201)
    return ((await json(res)) as { cid: string }).cid
  }

  /** GETs path and destroys the socket once the first bytes of the body arrived; resolves with the status. */
  const cutAfterFirstBytes = (path: string, headers: Record<string, string> = {}): Promise<number> => {
    const url = new URL(serve.url)
    return new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path, headers }, (res) => {
        res.once('data', () => {
          req.destroy()
          resolve(res.statusCode!)
        })
        res.once('end', () => reject(new Error(`${path} ended before it could be cut`)))
      })
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)))
      req.end()
    })
  }

  /** Serve stays up and answers /api/status, sampled over a window (a crash comes a moment after the cut). */
  const staysUp = () =>
    holdsFor(
      async () =>
        serve.child.exitCode === null &&
        (await fetch(`${serve.url}/api/status`, { headers: auth }).then((r) => r.status === 200)),
      'tack serve answers /api/status',
      3_000,
      200,
    )

  beforeAll(async () => {
    serve = await spawnServe(dir.path)
    auth = { authorization: `Bearer ${readFileSync(paths(dir.path).sessionToken, 'utf8').trim()}` }
  })
  afterAll(async () => {
    if (serve.child.exitCode === null) serve.child.kill('SIGTERM')
    await serve.exited
    dir.remove()
  })

  it('an export cut after its first bytes leaves serve up and no spool in the data dir', async () => {
    // Enough content that the archive cannot sit whole in the socket's buffers when the cut comes.
    await upload('name=a.bin&pin=true', randomBytes(6 << 20))
    await upload('name=b.bin', randomBytes(6 << 20))
    expect(await cutAfterFirstBytes('/api/export', auth)).toBe(200)
    await expect.poll(spools, KUBO_POLL).toEqual([])
    await staysUp()
    expect(spools()).toEqual([])
    // And the next export runs to its end.
    const whole = await fetch(`${serve.url}/api/export`, { headers: auth })
    expect(whole.status).toBe(200)
    expect((await whole.arrayBuffer()).byteLength).toBeGreaterThan(12 << 20)
    expect(spools()).toEqual([])
  })

  for (const [what, query] of [
    ['pinned (Kubo)', 'name=k.bin&pin=true'],
    ['unpinned (object store)', 'name=o.bin'],
  ] as const) {
    it(`a gateway read of ${what} content cut mid-body leaves serve up, and reads again in full`, async () => {
      const bytes = randomBytes(8 << 20)
      const cid = await upload(query, bytes)
      expect(await cutAfterFirstBytes(`/api/gateway/${cid}`)).toBe(200)
      // Every cut read lets go of what it held (its socket, its upstream read): open files come back down.
      const before = openFiles()
      for (let i = 0; i < CUTS; i++) expect(await cutAfterFirstBytes(`/api/gateway/${cid}`)).toBe(200)
      await expect.poll(openFiles, KUBO_POLL).toBeLessThan(before + CUTS / 2)
      await staysUp()
      const again = await fetch(`${serve.url}/api/gateway/${cid}`)
      expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true)
    })
  }

  it('a signed link read cut mid-body leaves serve up, and reads again in full', async () => {
    const bytes = randomBytes(8 << 20)
    const cid = await upload('name=p.bin&private=true', bytes)
    const link = await fetch(`${serve.url}/api/files/${cid}/links`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ expiresIn: 600 }),
    })
    const url = new URL(((await json(link)) as { url: string }).url)
    expect(await cutAfterFirstBytes(url.pathname + url.search)).toBe(200)
    await staysUp()
    const again = await fetch(serve.url + url.pathname + url.search)
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true)
  })

  it('an event stream cut after it opened leaves serve up while events go on', async () => {
    expect(await cutAfterFirstBytes('/api/events', auth)).toBe(200)
    // An event for the account that listened: written nowhere now, and nothing may fail for it.
    await upload('name=e.bin', randomBytes(1000))
    await staysUp()
    // A new listener still gets events.
    const controller = new AbortController()
    const res = await fetch(`${serve.url}/api/events`, { headers: auth, signal: controller.signal })
    const reader = res.body!.getReader()
    let seen = ''
    const got = (async () => {
      while (!seen.includes('event: file')) seen += Buffer.from((await reader.read()).value ?? []).toString()
    })()
    await upload('name=f.bin', randomBytes(1000))
    await got
    controller.abort()
    await staysUp()
  })

  it('Ctrl-C on `tack export` while serve runs: the CLI leaves no .partial, serve stays up, no spool', async () => {
    const scratch = tempDir()
    try {
      const out = join(scratch.path, 'backup.tar')
      // The CLI writes into a pipe this test reads as it likes: the export is held mid-way, as on a slow disk.
      execFileSync('mkfifo', [`${out}.partial`])
      const reader = createReadStream(`${out}.partial`)
      const cli = spawn(process.execPath, ['bin/tack.js', 'export', '--out', out], {
        cwd: ROOT,
        env: { ...process.env, TACK_DATA_DIR: dir.path, TACK_KUBO_BINARY: kuboBinary() },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      const exited = new Promise((resolve) => cli.once('exit', (code, signal) => resolve(code ?? signal)))
      await new Promise((resolve) => reader.once('data', resolve))
      reader.pause()
      cli.kill('SIGINT')
      reader.resume() // lets a write already under way finish, so the CLI can close the file
      expect(await exited, stderr).toBe(130)
      expect(stderr).toContain('export interrupted')
      expect(existsSync(`${out}.partial`)).toBe(false)
      expect(existsSync(out)).toBe(false)
      await expect.poll(spools, KUBO_POLL).toEqual([])
      await staysUp()
    } finally {
      scratch.remove()
    }
  })

  it('a spool left by a crash is removed at the next start', async () => {
    serve.child.kill('SIGTERM')
    expect(await serve.exited).toBe(0)
    for (const name of ['tack-export-left', 'tack-import-left']) {
      mkdirSync(join(dir.path, name))
      writeFileSync(join(dir.path, name, 'tack.db'), 'a copy of the database')
    }
    // Not spools (a file, a folder named otherwise): kept.
    writeFileSync(join(dir.path, 'tack-export-notes.txt'), '')
    mkdirSync(join(dir.path, 'my-tack-export-1'))
    serve = await spawnServe(dir.path)
    expect(
      readdirSync(dir.path)
        .filter((n) => n.includes('tack-export') || n.includes('tack-import'))
        .sort(),
    ).toEqual(['my-tack-export-1', 'tack-export-notes.txt'])
  })
})
