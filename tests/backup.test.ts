// Export and import against real cores: a running Tack with pins, files (a folder, a private file), a second
// account and keys is exported through GET /api/export; `tack import` restores it into a fresh data dir, and
// a core there (other ports) answers the old keys, keeps the pins' requestids, serves identical bytes and
// keeps the private file private. Tampered and truncated archives are refused and change nothing; --merge
// into a data dir that has it all already duplicates nothing.
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import tar from 'tar-stream'
import { cidOf } from '../src/main/core/files/cid.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kuboBinary } from './fixtures/binaries.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { psaClient } from './fixtures/psa.js'
import { tempDir } from './fixtures/tmp.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')

interface FileJson {
  cid: string
  private: boolean
}

async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/tack.js', ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        TACK_DATA_DIR: dataDir,
        TACK_PORT: '0',
        TACK_IPFS_NETWORK: 'local',
        TACK_KUBO_BINARY: kuboBinary(),
      },
      maxBuffer: 1 << 26,
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('export and import', () => {
  let source: TestTack
  let restored: TestTack | undefined
  const target = tempDir()
  const scratch = tempDir()
  const archive = join(scratch.path, 'backup.tar')
  const publicBytes = randomBytes(600 * 1024)
  const privateBytes = randomBytes(300 * 1024)
  const folder = { 'a.txt': Buffer.from('alpha\n'), 'deep/b.bin': randomBytes(50_000) }
  let bobKey = ''
  let publicCid = ''
  let privateCid = ''
  let folderCid = ''
  let pinnedRequest = ''
  let queuedRequest = ''
  let linkPath = ''

  beforeAll(async () => {
    source = await startTack()
    bobKey = source.keyFor('bob', ['pins:read', 'pins:write', 'files:read', 'files:write'])
    const pub = await source.api('/api/files?name=public.bin&pin=true', { method: 'PUT', body: publicBytes })
    publicCid = ((await pub.json()) as FileJson).cid
    const priv = await source.api('/api/files?name=private.bin&private=true', {
      method: 'PUT',
      key: bobKey,
      body: privateBytes,
    })
    privateCid = ((await priv.json()) as FileJson).cid
    const form = new FormData()
    for (const [path, bytes] of Object.entries(folder)) form.append('file', new Blob([bytes]), `site/${path}`)
    const dir = await source.api('/api/files', { method: 'POST', body: form })
    folderCid = ((await dir.json()) as { directory: { cid: string } }).directory.cid
    // A PSA pin of content Kubo has (pinned), and one of content nobody has (stays queued/pinning).
    const [added] = await source.core.kubo.client.add(
      (async function* () {
        yield {
          path: 'psa.bin',
          content: (async function* () {
            yield randomBytes(10_000)
          })(),
        }
      })(),
    )
    const psa = psaClient(source, bobKey)
    pinnedRequest = (await psa.add({ cid: added!.Hash, name: 'kept' })).requestid
    await psa.waitFor(pinnedRequest, 'pinned', 30_000)
    queuedRequest = (
      await psa.add({ cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', name: 'lost' })
    ).requestid
    const link = await source.api(`/api/files/${privateCid}/links`, {
      method: 'POST',
      key: bobKey,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ expiresIn: 3600 }),
    })
    const url = new URL(((await link.json()) as { url: string }).url)
    linkPath = url.pathname + url.search
  })
  afterAll(async () => {
    await Promise.all([source?.destroy(), restored?.destroy()])
    target.remove()
    scratch.remove()
  })

  it('GET /api/export needs admin and streams the archive from a running Tack', async () => {
    expect((await source.api('/api/export', { key: bobKey })).status).toBe(403)
    const res = await source.api('/api/export')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-tar')
    const bytes = Buffer.from(await res.arrayBuffer())
    writeFileSync(archive, bytes)
    // The API keeps answering while an export runs (no pause for clients): checked after, as a sanity check.
    expect((await source.api('/api/files')).status).toBe(200)
  })

  it('a tampered or truncated archive is refused and nothing is imported', async () => {
    const bytes = Buffer.from(await (await source.api('/api/export')).arrayBuffer())
    const tampered = Buffer.from(bytes)
    const middle = Math.floor(bytes.length / 2)
    tampered[middle] = tampered[middle]! ^ 0xff
    writeFileSync(join(scratch.path, 'tampered.tar'), tampered)
    writeFileSync(join(scratch.path, 'truncated.tar'), bytes.subarray(0, Math.floor(bytes.length * 0.7)))
    for (const bad of ['tampered.tar', 'truncated.tar']) {
      const result = await cli(target.path, 'import', join(scratch.path, bad))
      expect(result.code, result.stderr).toBe(1)
      expect(result.stderr).toMatch(/refused/)
    }
    // Nothing half-imported: the data dir holds no account but its owner, no key, pin or file.
    const probe = await startTack({ dataDir: target.path })
    try {
      const db = probe.core.state.db
      expect((db.prepare('SELECT COUNT(*) AS n FROM accounts').get() as { n: number }).n).toBe(1)
      expect((db.prepare('SELECT COUNT(*) AS n FROM pins').get() as { n: number }).n).toBe(0)
      expect((db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n).toBe(0)
      expect((db.prepare('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number }).n).toBe(1) // the probe's own
      const objects: string[] = []
      for await (const k of probe.core.minio.store.list('')) objects.push(k)
      expect(objects).toEqual([])
      db.prepare('DELETE FROM api_keys').run()
    } finally {
      await probe.stop()
    }
  })

  /**
   * The export, changed by `change` (which gets the unpacked dir) and packed again with its manifest made to
   * match: an archive that passes every checksum, for what import must check beyond them.
   */
  async function crafted(name: string, change: (dir: string, db: Database.Database) => Promise<void>): Promise<string> {
    const unpacked = tempDir()
    try {
      const names: string[] = []
      await pipeline(
        createReadStream(archive),
        tar.extract().on('entry', (header, stream, next) => {
          names.push(header.name)
          const file = join(unpacked.path, header.name)
          mkdirSync(dirname(file), { recursive: true })
          stream.pipe(createWriteStream(file)).on('finish', next)
        }),
      )
      const db = new Database(join(unpacked.path, 'tack.db'))
      await change(unpacked.path, db)
      db.close()
      const manifest = JSON.parse(readFileSync(join(unpacked.path, 'manifest.json'), 'utf8')) as {
        entries: Array<{ path: string; size: number; sha256: string }>
      }
      for (const e of manifest.entries) {
        const bytes = readFileSync(join(unpacked.path, e.path))
        Object.assign(e, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') })
      }
      writeFileSync(join(unpacked.path, 'manifest.json'), JSON.stringify(manifest))
      const pack = tar.pack()
      const out = join(scratch.path, name)
      const written = pipeline(pack, createWriteStream(out))
      for (const entry of names) pack.entry({ name: entry }, readFileSync(join(unpacked.path, entry)))
      pack.finalize()
      await written
      return out
    } finally {
      unpacked.remove()
    }
  }

  it('an archive whose database names an object outside objects/ is refused before it is read', async () => {
    const out = await crafted('outside.tar', async (_, db) => {
      db.prepare("UPDATE blobs SET object_key = '../tack.db' WHERE cid = (SELECT cid FROM blobs LIMIT 1)").run()
    })
    const fresh = tempDir()
    try {
      const result = await cli(fresh.path, 'import', out)
      expect(result.code, result.stderr).toBe(1)
      expect(result.stderr).toMatch(/refused: the object of \S+ is not in it/)
    } finally {
      fresh.remove()
    }
  })

  it('a merge never writes new content over an object this data dir already holds under the same key', async () => {
    const here = tempDir()
    try {
      expect((await cli(here.path, 'import', archive)).code).toBe(0)
      // The private upload's key (its bytes are an object: a pinned upload's are in Kubo only) now carries
      // other bytes, under their own (correct) CID.
      const other = randomBytes(privateBytes.length)
      let key = ''
      const out = await crafted('same-key.tar', async (dir, db) => {
        key = (db.prepare('SELECT object_key FROM blobs WHERE cid = ?').get(privateCid) as { object_key: string })
          .object_key
        writeFileSync(join(dir, 'objects', key), other)
        const cid = await cidOf(
          (async function* () {
            yield other
          })(),
        )
        db.prepare('UPDATE blobs SET cid = ? WHERE cid = ?').run(cid, privateCid)
      })
      const result = await cli(here.path, 'import', out, '--merge')
      expect(result.code, result.stderr).toBe(1)
      expect(result.stderr).toMatch(/refused: the object of \S+ has a key \(\S+\) this data dir already uses/)
      const probe = await startTack({ dataDir: here.path })
      try {
        const chunks: Buffer[] = []
        for await (const chunk of await probe.core.minio.store.read(key)) chunks.push(chunk as Buffer)
        expect(Buffer.concat(chunks).equals(privateBytes)).toBe(true)
      } finally {
        await probe.stop()
      }
    } finally {
      here.remove()
    }
  })

  it('tack import restores it into a fresh data dir; a core there has it all', async () => {
    const result = await cli(target.path, 'import', archive)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/imported 1 account\(s\)/)
    restored = await startTack({ dataDir: target.path })
    const api = (path: string, key: string) => restored!.api(path, { key })
    // The old keys work here.
    const pins = (await (await api('/api/pinning/pins?status=queued,pinning,pinned,failed', bobKey)).json()) as {
      results: Array<{ requestid: string; status: string }>
    }
    const byId = new Map(pins.results.map((p) => [p.requestid, p.status]))
    expect(byId.get(pinnedRequest)).toBe('pinned')
    expect(['queued', 'pinning', 'failed']).toContain(byId.get(queuedRequest))
    // Bytes identical, served by the new core's gateway.
    const pub = await fetch(`${restored.url}/api/gateway/${publicCid}`)
    expect(Buffer.from(await pub.arrayBuffer()).equals(publicBytes)).toBe(true)
    expect(await restored.core.kubo.client.isPinned(publicCid)).toBe(true)
    const b = await fetch(`${restored.url}/api/gateway/${folderCid}/deep/b.bin`)
    expect(Buffer.from(await b.arrayBuffer()).equals(folder['deep/b.bin'])).toBe(true)
    // Private stays private: 404 on the gateway, private in the record, not in Kubo; its signed link still works.
    expect((await fetch(`${restored.url}/api/gateway/${privateCid}`)).status).toBe(404)
    expect(((await (await api(`/api/files/${privateCid}`, bobKey)).json()) as FileJson).private).toBe(true)
    expect(await restored.core.kubo.client.isPinned(privateCid)).toBe(false)
    const viaLink = await fetch(restored.url + linkPath)
    expect(viaLink.status).toBe(200)
    expect(Buffer.from(await viaLink.arrayBuffer()).equals(privateBytes)).toBe(true)
    expect(restored.url).not.toBe(source.url)
  })

  it('import refuses a data dir serve is using, and --merge duplicates nothing', async () => {
    // restored runs in this process: the pid file names it.
    const busy = await cli(target.path, 'import', archive)
    expect(busy.code).toBe(3)
    const count = (sql: string) => (restored!.core.state.db.prepare(sql).get() as { n: number }).n
    const before = [
      count('SELECT COUNT(*) AS n FROM accounts'),
      count('SELECT COUNT(*) AS n FROM pins'),
      count('SELECT COUNT(*) AS n FROM files'),
    ]
    await restored!.stop()
    const plain = await cli(target.path, 'import', archive)
    expect(plain.code).toBe(1)
    expect(plain.stderr).toMatch(/not empty/)
    const merged = await cli(target.path, 'import', archive, '--merge')
    expect(merged.code, merged.stderr).toBe(0)
    expect(merged.stdout).toMatch(/imported 0 account\(s\), 0 key\(s\), 0 pin\(s\), 0 file record\(s\)/)
    restored = await startTack({ dataDir: target.path })
    const after = [
      count('SELECT COUNT(*) AS n FROM accounts'),
      count('SELECT COUNT(*) AS n FROM pins'),
      count('SELECT COUNT(*) AS n FROM files'),
    ]
    // startTack adds its own admin key only; accounts, pins and files are as they were.
    expect(after).toEqual(before)
  })

  it('tack export works while serve runs (through it) and while it does not; its archive imports', async () => {
    const running = join(scratch.path, 'running.tar')
    const viaServer = await cli(target.path, 'export', '--out', running)
    expect(viaServer.code, viaServer.stderr).toBe(0)
    expect(viaServer.stderr).toContain(`wrote ${running}`)
    await restored!.stop()
    const stopped = join(scratch.path, 'stopped.tar')
    const offline = await cli(target.path, 'export', '--out', stopped)
    expect(offline.code, offline.stderr).toBe(0)
    for (const file of [running, stopped]) {
      const fresh = tempDir()
      try {
        const result = await cli(fresh.path, 'import', file)
        expect(result.code, result.stderr).toBe(0)
        expect(result.stdout).toMatch(/imported 1 account\(s\)/)
      } finally {
        fresh.remove()
      }
    }
    restored = undefined
  })
})
