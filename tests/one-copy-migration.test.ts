// A data dir written before one copy (issue 26): pinned uploads held twice, once as an object and once in
// Kubo, and a database at schema 9 (no blobs.location). The next start migrates it (files/placement.ts):
// the objects of pinned uploads go, everything else stays, every read is byte-identical, and /api/status
// shows the move's progress.
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb } from '../src/main/core/db/index.js'
import { MIGRATIONS, type Migration } from '../src/main/core/db/migrations.js'
import { paths } from '../src/main/core/state.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { KUBO_POLL } from './fixtures/poll.js'
import { tempDir } from './fixtures/tmp.js'

/** The names of the tables, indexes and triggers a database migrated by `migrations` has, and the columns
 *  of each table (`table.column`). */
function schemaObjects(migrations: Migration[]): Set<string> {
  const dir = tempDir('tack-schema-')
  try {
    const db = openDb(`${dir.path}/schema.db`, migrations)
    const objects = db.prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all() as Array<{
      type: string
      name: string
    }>
    const names = objects.map((o) => o.name)
    for (const t of objects.filter((o) => o.type === 'table'))
      for (const c of db.prepare(`SELECT name FROM pragma_table_info(?)`).all(t.name) as Array<{ name: string }>)
        names.push(`${t.name}.${c.name}`)
    db.close()
    return new Set(names)
  } finally {
    dir.remove()
  }
}

interface FileJson {
  cid: string
  state: string
}

async function objects(tack: TestTack): Promise<string[]> {
  const keys: string[] = []
  for await (const key of tack.core.objectStorage.store.list('')) keys.push(key)
  return keys.sort()
}

async function gatewayBytes(tack: TestTack, path: string): Promise<Buffer> {
  const res = await fetch(`${tack.url}/api/gateway/${path}`)
  expect(res.status).toBe(200)
  return Buffer.from(await res.arrayBuffer())
}

describe('a data dir written before one copy', () => {
  let tack: TestTack | undefined
  afterAll(async () => {
    await tack?.destroy()
  })

  it('is migrated at start: objects of pinned uploads removed, reads identical', async () => {
    tack = await startTack()
    const pinned = [randomBytes(1024 * 1024 + 3), randomBytes(40_000), randomBytes(600 * 1024)]
    const unpinned = randomBytes(300 * 1024)
    const reads = new Map<string, Buffer>()
    for (const [i, bytes] of pinned.entries()) {
      const res = await tack.api(`/api/files?name=p${i}.bin&pin=true`, { method: 'PUT', body: bytes })
      const row = (await res.json()) as FileJson
      expect(row.state).toBe('pinned')
      reads.set(row.cid, bytes)
    }
    const form = new FormData()
    const inFolder = randomBytes(500 * 1024)
    form.append('file', new Blob([inFolder]), 'dir/x.bin')
    form.append('file', new Blob([Buffer.from('hello\n')]), 'dir/y.txt')
    const folder = (await (await tack.api('/api/files?pin=true', { method: 'POST', body: form })).json()) as {
      directory: { cid: string }
    }
    reads.set(`${folder.directory.cid}/x.bin`, inFolder)
    const stored = (await (
      await tack.api('/api/files?name=stored.bin', { method: 'PUT', body: unpinned })
    ).json()) as FileJson
    reads.set(stored.cid, unpinned)
    const storedKey = tack.core.files.repo.blob(stored.cid)!.object_key

    // Back to what the code before one copy left: every blob's bytes an object, schema 9.
    const db = tack.core.state.db
    const blobs = db.prepare("SELECT cid, object_key, size FROM blobs WHERE location = 'kubo'").all() as Array<{
      cid: string
      object_key: string
      size: number
    }>
    expect(blobs.length).toBe(5)
    for (const blob of blobs) {
      const writer = tack.core.objectStorage.store.writer(blob.object_key)
      const bytes = Buffer.from(await (await tack.core.kubo.client.call('cat', { arg: blob.cid })).arrayBuffer())
      await writer.write(bytes)
      await writer.finish()
    }
    const before = await objects(tack)
    expect(before.length).toBe(6)
    const dataDir = tack.dataDir
    await tack.stop()
    const old = new Database(paths(dataDir).db)
    // Back to schema 9, as today's code before one copy (migration 10) wrote it: whatever later migrations
    // made goes, and the blobs lose their location.
    const schema9 = schemaObjects(MIGRATIONS.filter((m) => m.version <= 9))
    const later = (
      old.prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all() as Array<{
        type: string
        name: string
      }>
    ).filter((o) => !schema9.has(o.name) && o.type !== 'table')
    for (const o of later) old.exec(`DROP ${o.type.toUpperCase()} IF EXISTS "${o.name}"`)
    old.exec('ALTER TABLE blobs DROP COLUMN location')
    const tables = old
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as Array<{ name: string }>
    for (const t of tables) if (!schema9.has(t.name)) old.exec(`DROP TABLE IF EXISTS "${t.name}"`)
    // Columns later migrations added to the tables schema 9 had (e.g. remotes.failing_since, migration 13).
    for (const t of tables.filter((t) => schema9.has(t.name)))
      for (const c of old.prepare('SELECT name FROM pragma_table_info(?)').all(t.name) as Array<{ name: string }>)
        if (!schema9.has(`${t.name}.${c.name}`)) old.exec(`ALTER TABLE "${t.name}" DROP COLUMN "${c.name}"`)
    old.pragma('user_version = 9')
    old.close()

    tack = await startTack({ dataDir })
    const status = async () =>
      ((await (await tack!.api('/api/status')).json()) as { migration: { done: number; total: number } }).migration
    await expect.poll(status, KUBO_POLL).toMatchObject({ done: 5, total: 5 })
    await expect.poll(() => objects(tack!), KUBO_POLL).toEqual([storedKey])
    for (const blob of blobs) expect(tack.core.files.repo.blob(blob.cid)?.location).toBe('kubo')
    for (const [path, bytes] of reads) expect((await gatewayBytes(tack, path)).equals(bytes), path).toBe(true)
  })
})
