// Export and import against real cores: a running Tack with pins, files (a folder, a private file), a second
// account and keys is exported through GET /api/export; `tack import` restores it into a fresh data dir, and
// a core there (other ports) answers the old keys, keeps the pins' requestids, serves identical bytes and
// keeps the private file private. Tampered and truncated archives are refused and change nothing; --merge
// into a data dir that has it all already duplicates nothing. A forged archive (checksums made to match)
// merged in adds keys only as --keys says, and cannot make content that is private here public.
import { execFile } from 'node:child_process'
import { createHash, createHmac, randomBytes } from 'node:crypto'
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import tar from 'tar-stream'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { cidOf } from '../src/main/core/cid/unixfs.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kuboBinary } from './fixtures/binaries.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { psaClient } from './fixtures/psa.js'
import { tempDir } from './fixtures/tmp.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
/** A sha2-256 multihash of bytes (synchronous: a made-up CID needs no real content). */
const sha256Digest = (bytes: Uint8Array) => createDigest(0x12, createHash('sha256').update(bytes).digest())

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
      for await (const k of probe.core.objectStorage.store.list('')) objects.push(k)
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
      // An entry `change` removed leaves the archive and its manifest.
      manifest.entries = manifest.entries.filter((e) => existsSync(join(unpacked.path, e.path)))
      for (const e of manifest.entries) {
        const bytes = readFileSync(join(unpacked.path, e.path))
        Object.assign(e, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') })
      }
      writeFileSync(join(unpacked.path, 'manifest.json'), JSON.stringify(manifest))
      const pack = tar.pack()
      const out = join(scratch.path, name)
      const written = pipeline(pack, createWriteStream(out))
      for (const entry of names.filter((n) => existsSync(join(unpacked.path, n))))
        pack.entry({ name: entry }, readFileSync(join(unpacked.path, entry)))
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
        for await (const chunk of await probe.core.objectStorage.store.read(key)) chunks.push(chunk as Buffer)
        expect(Buffer.concat(chunks).equals(privateBytes)).toBe(true)
      } finally {
        await probe.stop()
      }
    } finally {
      here.remove()
    }
  })

  it('an object whose bytes do not hash to its CID is refused, merge or not', async () => {
    // The private upload: its bytes are in the object store (a pinned upload's are in Kubo, so in a CAR).
    const out = await crafted('wrong-bytes.tar', async (dir, db) => {
      const { object_key: key } = db.prepare('SELECT object_key FROM blobs WHERE cid = ?').get(privateCid) as {
        object_key: string
      }
      writeFileSync(join(dir, 'objects', key), randomBytes(privateBytes.length))
    })
    const fresh = tempDir()
    try {
      const result = await cli(fresh.path, 'import', out, '--merge')
      expect(result.code, result.stderr).toBe(1)
      expect(result.stderr).toContain(`refused: the object of ${privateCid} hashes to`)
    } finally {
      fresh.remove()
    }
  })

  describe('a merge treats the archive as untrusted', () => {
    // Secrets whoever forged the archive knows: an owner admin key, an ordinary key and one with admin among
    // its scopes, both in an account the archive brings ("mallory", bob renamed).
    const secrets = { admin: `tack_${randomBytes(32).toString('base64url')}`, user: '', mixed: '' }
    secrets.user = `tack_${randomBytes(32).toString('base64url')}`
    secrets.mixed = `tack_${randomBytes(32).toString('base64url')}`
    const linkSecret = randomBytes(32)
    const fakeDir = CID.createV1(0x70, sha256Digest(randomBytes(32))).toString()
    let forged = ''
    const dirs: Array<{ remove(): void }> = []
    afterAll(() => dirs.forEach((d) => d.remove()))
    /** A data dir restored from the real export: bob's private file is private here. */
    const restoredHere = async () => {
      const here = tempDir()
      dirs.push(here)
      const restore = await cli(here.path, 'import', archive)
      expect(restore.code, restore.stderr).toBe(0)
      return here.path
    }
    const status = async (url: string, path: string, key: string) =>
      (await fetch(url + path, { headers: { authorization: `Bearer ${key}` } })).status

    beforeAll(async () => {
      forged = await crafted('forged.tar', async (dir, db) => {
        const hash = (secret: string) => createHash('sha256').update(secret).digest('hex')
        const owner = (db.prepare('SELECT id FROM accounts WHERE is_owner = 1').get() as { id: number }).id
        db.prepare("UPDATE accounts SET name = 'mallory' WHERE name = 'bob'").run()
        const mallory = (db.prepare("SELECT id FROM accounts WHERE name = 'mallory'").get() as { id: number }).id
        const key = db.prepare(
          'INSERT INTO api_keys (id, account_id, name, secret_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        key.run('key_forged_admin', owner, 'forged-admin', hash(secrets.admin), 'admin pins:read files:read', 1)
        key.run('key_forged_user', mallory, 'forged-user', hash(secrets.user), 'pins:read files:read', 1)
        key.run('key_forged_mixed', mallory, 'forged-mixed', hash(secrets.mixed), 'files:read admin', 1)
        // The private file listed as public, with a link secret the forger knows, without its bytes (the
        // forger does not have them); and a made-up public folder with that file inside.
        const { object_key: objectKey } = db.prepare('SELECT object_key FROM blobs WHERE cid = ?').get(privateCid) as {
          object_key: string
        }
        rmSync(join(dir, 'objects', objectKey))
        db.prepare('DELETE FROM blobs WHERE cid = ?').run(privateCid)
        db.prepare('UPDATE files SET private = 0, link_secret = ? WHERE cid = ?').run(linkSecret, privateCid)
        const dir_ = CID.parse(fakeDir)
        db.prepare(
          `INSERT INTO files (account_id, cid, multihash, kind, name, size, mime, state, created_at, private)
           VALUES (?, ?, ?, 'dir', 'leak', ?, 'inode/directory', 'stored', 1, 0)`,
        ).run(mallory, fakeDir, Buffer.from(dir_.multihash.bytes).toString('hex'), privateBytes.length)
        db.prepare('INSERT INTO dir_entries (dir_cid, path, cid, size) VALUES (?, ?, ?, ?)').run(
          fakeDir,
          'leak.bin',
          privateCid,
          privateBytes.length,
        )
        // And LAN sharing turned on, and the owner's pins forwarded to the forger's cluster.
        db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('lan', 'true')").run()
        db.prepare(
          `INSERT INTO remotes (name, kind, url, policy, account_ids, created_at)
           VALUES ('forger', 'cluster', 'http://127.0.0.1:9/', 'accounts', ?, 1)`,
        ).run(JSON.stringify([owner]))
      })
    })

    it('by default it adds no key, and what is private here stays private', async () => {
      const here = await restoredHere()
      const merged = await cli(here, 'import', forged, '--merge')
      expect(merged.code, merged.stderr).toBe(0)
      const probe = await startTack({ dataDir: here })
      try {
        for (const secret of Object.values(secrets)) expect(await status(probe.url, '/api/files', secret)).toBe(401)
        expect((await fetch(`${probe.url}/api/gateway/${privateCid}`)).status).toBe(404)
        expect((await fetch(`${probe.url}/api/gateway/${fakeDir}/leak.bin`)).status).toBe(404)
        // A link signed with the archive's link secret, for the record the merge made (its id is guessable).
        const db = probe.core.state.db
        const record = db
          .prepare(
            "SELECT id FROM files WHERE cid = ? AND account_id = (SELECT id FROM accounts WHERE name = 'mallory')",
          )
          .get(privateCid) as { id: number }
        const e = Math.floor(Date.now() / 1000) + 3600
        const s = createHmac('sha256', linkSecret)
          .update(`tack-link\n${record.id}\n${privateCid}\n${e}`)
          .digest('base64url')
        expect((await fetch(`${probe.url}/api/links/${privateCid}?f=${record.id}&e=${e}&s=${s}`)).status).toBe(403)
        const lan = db.prepare("SELECT value FROM settings WHERE key = 'lan'").get() as { value: string } | undefined
        expect(lan?.value).not.toBe('true')
        expect(db.prepare("SELECT 1 FROM remotes WHERE name = 'forger'").get()).toBeUndefined()
      } finally {
        await probe.stop()
      }
      // And the importer is told what was held back.
      expect(merged.stdout).not.toMatch(/added key/)
      expect(merged.stdout).toMatch(/left out \d+ key\(s\) of the archive \(--keys none/)
      expect(merged.stdout).toContain(`kept ${privateCid} private`)
      expect(merged.stdout).toContain(`kept ${fakeDir} private`)
      expect(merged.stdout).toContain('left out forwarding target(s) forger')
    })

    it('--keys same-scopes adds ordinary keys of accounts it brings, never an admin one', async () => {
      const here = await restoredHere()
      const merged = await cli(here, 'import', forged, '--merge', '--keys', 'same-scopes')
      expect(merged.code, merged.stderr).toBe(0)
      expect(merged.stdout).toContain('added key key_forged_user "forged-user" to account "mallory"')
      expect(merged.stdout).not.toMatch(/added key key_forged_(admin|mixed)/)
      const probe = await startTack({ dataDir: here })
      try {
        expect(await status(probe.url, '/api/files', secrets.user)).toBe(200)
        expect(await status(probe.url, '/api/files', secrets.mixed)).toBe(401)
        expect(await status(probe.url, '/api/accounts', secrets.admin)).toBe(401)
        expect((await fetch(`${probe.url}/api/gateway/${privateCid}`)).status).toBe(404)
      } finally {
        await probe.stop()
      }
    })

    it('--keys all adds every key as it is and says so; privacy here still holds', async () => {
      const here = await restoredHere()
      const merged = await cli(here, 'import', forged, '--merge', '--keys', 'all')
      expect(merged.code, merged.stderr).toBe(0)
      expect(merged.stdout).toMatch(/added key key_forged_admin "forged-admin" to account "\S+" with scopes: admin/)
      const probe = await startTack({ dataDir: here })
      try {
        expect(await status(probe.url, '/api/accounts', secrets.admin)).toBe(200)
        expect((await fetch(`${probe.url}/api/gateway/${privateCid}`)).status).toBe(404)
      } finally {
        await probe.stop()
      }
    })

    it('an unknown --keys is a usage error', async () => {
      const here = tempDir()
      dirs.push(here)
      const result = await cli(here.path, 'import', forged, '--merge', '--keys', 'some')
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/--keys none\|same-scopes\|all/)
    })
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
