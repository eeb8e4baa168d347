// kill -9 of a real `tack serve` while pinned uploads move from the object store to Kubo (files/placement.ts),
// over many cycles: after each restart's reconciliation nothing is lost (every listed file reads
// byte-identical through the gateway) and nothing is held twice (no object left for a blob Kubo holds, no
// object without a blob, no covered blob still in the store, no pending object left).
import { execFile } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { waitFor } from './fixtures/processes.js'
import { spawnServe, type ServeProcess } from './fixtures/serve.js'
import { tempDir } from './fixtures/tmp.js'
import { tackMinioClient } from './fixtures/minio.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
/** Cycles stop at this many, or once this much time went (each is a full start of Kubo and MinIO). */
const MAX_CYCLES = 40
const BUDGET_MS = 100_000
const dir = tempDir()
let serve: ServeProcess | undefined

afterAll(async () => {
  if (serve && serve.child.exitCode === null) {
    serve.child.kill('SIGTERM')
    await serve.exited
  }
  dir.remove()
})

const minioClient = () => tackMinioClient(dir.path)

async function objects(): Promise<string[]> {
  const keys: string[] = []
  for await (const o of minioClient().listObjectsV2('tack', 'uploads/', true)) keys.push((o as { name: string }).name)
  return keys.sort()
}

/** What the database says should be in the object store, and what must not be. */
function expected(): { stored: string[]; pending: number; coveredInStore: number; pinning: number } {
  const db = new Database(join(dir.path, 'tack.db'), { readonly: true, fileMustExist: true })
  try {
    const stored = (
      db.prepare("SELECT object_key FROM blobs WHERE location = 'store'").all() as Array<{ object_key: string }>
    ).map((r) => r.object_key)
    const pending = (db.prepare('SELECT COUNT(*) AS n FROM pending_uploads').get() as { n: number }).n
    const coveredInStore = (
      db
        .prepare(
          `SELECT COUNT(*) AS n FROM blobs b WHERE b.location = 'store' AND
            (EXISTS (SELECT 1 FROM files f WHERE f.cid = b.cid AND f.private = 0 AND f.state = 'pinned')
             OR EXISTS (SELECT 1 FROM dir_entries e JOIN files d ON d.cid = e.dir_cid
                         WHERE e.cid = b.cid AND d.private = 0 AND d.state = 'pinned'))`,
        )
        .get() as { n: number }
    ).n
    const pinning = (db.prepare("SELECT COUNT(*) AS n FROM files WHERE state = 'pinning'").get() as { n: number }).n
    return { stored: stored.sort(), pending, coveredInStore, pinning }
  } finally {
    db.close()
  }
}

/** Once reconciled: the bucket holds exactly the objects of blobs in the store, none of them covered. */
async function settled(): Promise<boolean> {
  const want = expected()
  if (want.pending || want.coveredInStore) return false
  const have = await objects()
  return have.length === want.stored.length && have.every((k, i) => k === want.stored[i])
}

it('kill -9 during the move to Kubo: nothing lost, nothing held twice after the next start', async () => {
  const { stdout } = await run(process.execPath, ['bin/tack.js', 'key', 'create', '--name', 'crash'], {
    cwd: ROOT,
    env: { ...process.env, TACK_DATA_DIR: dir.path },
  })
  const auth = { authorization: `Bearer ${stdout.trim()}` }
  const sent = new Map<string, Buffer>()
  const began = Date.now()
  let cycles = 0
  let committed = 0
  /** Kills that left a move half-done (an object queued, a covered blob still in the store, a pin running). */
  const cut = { pending: 0, coveredInStore: 0, pinning: 0 }
  while (cycles < MAX_CYCLES && Date.now() - began < BUDGET_MS) {
    serve = await spawnServe(dir.path)
    const url = serve.url
    await waitFor(settled, `reconciliation after restart ${cycles}`, 30_000)
    // Every file the API lists reads as it was sent, wherever its bytes are.
    const list = (await (await fetch(`${url}/api/files?limit=1000`, { headers: auth })).json()) as {
      results: Array<{ name: string; cid: string }>
    }
    for (const f of list.results) {
      const res = await fetch(`${url}/api/gateway/${f.cid}`)
      expect(res.status, `${f.name}: ${res.status === 200 ? '' : await res.clone().text()}`).toBe(200)
      expect(Buffer.from(await res.arrayBuffer()).equals(sent.get(f.name)!), f.name).toBe(true)
    }
    committed = list.results.length

    // A pinned upload, killed at a random moment: while streaming, committing, pinning or evicting.
    const name = `c${cycles}.bin`
    const bytes = randomBytes(randomInt(256 * 1024, 3 * 1024 * 1024))
    sent.set(name, bytes)
    const upload = fetch(`${url}/api/files?name=${name}&pin=true`, { method: 'PUT', body: bytes, headers: auth })
      .then((r) => r.status)
      .catch(() => 0)
    await new Promise((r) => setTimeout(r, randomInt(0, 400)))
    serve.child.kill('SIGKILL')
    await serve.exited
    await upload
    const left = expected()
    for (const k of ['pending', 'coveredInStore', 'pinning'] as const) if (left[k]) cut[k]++
    cycles++
  }
  serve = await spawnServe(dir.path)
  await waitFor(settled, 'reconciliation after the last restart', 30_000)
  const list = (await (await fetch(`${serve.url}/api/files?limit=1000`, { headers: auth })).json()) as {
    results: Array<{ name: string; cid: string }>
  }
  for (const f of list.results) {
    const res = await fetch(`${serve.url}/api/gateway/${f.cid}`)
    expect(Buffer.from(await res.arrayBuffer()).equals(sent.get(f.name)!), f.name).toBe(true)
  }
  console.log(`one-copy crash test: ${cycles} kill -9 cycles, ${list.results.length} uploads survived`, cut)
  expect(cycles).toBeGreaterThanOrEqual(20)
  // Some kills must have come after the commit, and some must have cut a move half-way.
  expect(Math.max(committed, list.results.length)).toBeGreaterThan(0)
  expect(cut.pending + cut.coveredInStore + cut.pinning).toBeGreaterThan(0)
}, 240_000)
