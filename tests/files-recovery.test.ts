// Crash safety of uploads: `kill -9` of `tack serve` in the middle of a large streaming upload leaves no file
// record, no object and no unfinished multipart upload after the next start (and no MinIO outlives it).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { pidsMatching, waitFor } from './fixtures/processes.js'
import { spawnServe, type ServeProcess } from './fixtures/serve.js'
import { tempDir } from './fixtures/tmp.js'
import { tackMinioClient } from './fixtures/minio.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
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

/** The objects under uploads/, and the unfinished multipart uploads of `key` (MinIO lists those by exact key only). */
async function leftovers(key?: string): Promise<{ objects: string[]; incomplete: string[] }> {
  const client = minioClient()
  const objects: string[] = []
  for await (const o of client.listObjectsV2('tack', 'uploads/', true)) objects.push((o as { name: string }).name)
  const incomplete: string[] = []
  if (key) for await (const u of client.listIncompleteUploads('tack', key, false)) incomplete.push(u.key)
  return { objects, incomplete }
}

function pendingKeys(): string[] {
  const db = new Database(join(dir.path, 'tack.db'), { readonly: true, fileMustExist: true })
  try {
    return (db.prepare('SELECT object_key FROM pending_uploads').all() as Array<{ object_key: string }>).map(
      (r) => r.object_key,
    )
  } finally {
    db.close()
  }
}

it('leaves nothing of an upload cut by kill -9 after the next start', async () => {
  const { stdout } = await run(process.execPath, ['bin/tack.js', 'key', 'create', '--name', 'crash'], {
    cwd: ROOT,
    env: { ...process.env, TACK_DATA_DIR: dir.path },
  })
  const key = stdout.trim()
  serve = await spawnServe(dir.path)
  const minioPidFile = join(dir.path, 'minio.pid')
  const firstMinio = Number(readFileSync(minioPidFile, 'utf8'))
  const kept = await fetch(`${serve.url}/api/files?name=kept.txt`, {
    method: 'PUT',
    body: 'kept',
    headers: { authorization: `Bearer ${key}` },
  })
  expect(kept.status).toBe(201)

  // 40 MiB sent (two multipart parts written), then the body hangs until Tack dies.
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= 40 * 1024 * 1024) return new Promise(() => {})
      sent += 1024 * 1024
      controller.enqueue(randomBytes(1024 * 1024))
    },
  })
  const cut = fetch(`${serve.url}/api/files?name=cut.bin`, {
    method: 'PUT',
    body,
    duplex: 'half',
    headers: { authorization: `Bearer ${key}` },
  } as RequestInit).catch(() => undefined)
  const staged = await waitFor(() => pendingKeys()[0], 'the upload to be staged')
  await waitFor(
    async () => sent >= 40 * 1024 * 1024 && (await leftovers(staged)).incomplete.length > 0,
    'a multipart upload in MinIO',
  )

  serve.child.kill('SIGKILL')
  await serve.exited
  await cut

  serve = await spawnServe(dir.path)
  await waitFor(() => !pidsMatching(`${dir.path}/minio`).includes(firstMinio), 'the orphaned MinIO to be gone')
  expect(await leftovers(staged)).toEqual({ objects: [expect.stringMatching(/^uploads\//)], incomplete: [] })
  expect(pendingKeys()).toEqual([])
  const list = (await (
    await fetch(`${serve.url}/api/files`, { headers: { authorization: `Bearer ${key}` } })
  ).json()) as {
    count: number
    results: Array<{ name: string }>
  }
  expect(list.results.map((r) => r.name)).toEqual(['kept.txt'])
})
