// The bundled MinIO starts behind Tack's API: its object store takes calls before MinIO is ready and answers
// them once it is (a write made before start() completes with the same bytes), and a stop that comes first
// fails the waiting calls instead of leaving them hanging. A real MinIO child in a temp dir.
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { silentLogger } from '../src/main/core/log.js'
import { createObjectStorage, type ObjectStorage } from '../src/main/core/object-store/index.js'
import { minioBinary } from './fixtures/minio.js'
import { tempDir } from './fixtures/tmp.js'

const dir = tempDir('tack-minio-gate-')
const nodes: ObjectStorage[] = []
afterAll(async () => {
  for (const node of nodes) await node.stop()
  dir.remove()
})

function minioIn(name: string): ObjectStorage {
  const node = createObjectStorage({
    binary: minioBinary,
    dataDir: join(dir.path, name, 'data'),
    settingsFile: join(dir.path, name, 'minio.json'),
    pidFile: join(dir.path, name, 'minio.pid'),
    config: { s3Bucket: 'tack' },
    log: silentLogger,
    processLog: silentLogger,
  })
  nodes.push(node)
  return node
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return Buffer.concat(chunks).toString()
}

it('a write and a read made before MinIO is ready wait for it and then succeed', async () => {
  const minio = minioIn('early')
  let finished = false
  const writer = minio.store.writer('early/a.txt', 5)
  const written = (async () => {
    await writer.write(Buffer.from('hello'))
    const size = await writer.finish()
    finished = true
    return size
  })()
  await new Promise((r) => setTimeout(r, 300))
  // Nothing could have been stored: no MinIO runs yet.
  expect(finished).toBe(false)
  await minio.start()
  expect(await written).toBe(5)
  expect(await readAll((await minio.store.read('early/a.txt')) as AsyncIterable<Buffer>)).toBe('hello')
})

it('calls waiting for a start that a stop overtakes fail with SERVICE_UNAVAILABLE', async () => {
  const minio = minioIn('stopped')
  const read = minio.store.read('nothing')
  const writer = minio.store.writer('nothing', 1)
  const write = writer.write(Buffer.from('x'))
  minio.stopWaiting()
  await expect(read).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' })
  await expect(write).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' })
  await writer.abort() // never throws, even with no real writer behind it
})
