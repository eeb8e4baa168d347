// An external S3 endpoint (TACK_S3_ENDPOINT and friends) replaces the bundled MinIO: no MinIO child, the
// bucket is made in that store, and uploads and the gateway work the same.
import { Client } from 'minio'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { startMinio, type MinioTestServer } from './fixtures/minio.js'

let s3: MinioTestServer
let tack: TestTack

beforeAll(async () => {
  s3 = await startMinio()
  tack = await startTack({
    config: {
      s3Endpoint: s3.endpoint,
      s3AccessKey: s3.accessKey,
      s3SecretKey: s3.secretKey,
      s3Bucket: 'external-bucket',
    },
  })
})
afterAll(async () => {
  await tack?.destroy()
  await s3?.stop()
})

it('stores uploads in the external bucket and runs no MinIO of its own', async () => {
  expect(tack.core.objectStorage.supervisor).toBeUndefined()
  const res = await tack.api('/api/files?name=ext.txt', { method: 'PUT', body: 'stored elsewhere' })
  expect(res.status).toBe(201)
  const file = (await res.json()) as { cid: string; gatewayUrl: string }
  expect(await (await fetch(file.gatewayUrl)).text()).toBe('stored elsewhere')
  const url = new URL(s3.endpoint)
  const client = new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
  })
  const names: string[] = []
  for await (const o of client.listObjectsV2('external-bucket', 'uploads/', true))
    names.push((o as { name: string }).name)
  expect(names).toHaveLength(1)
  const status = (await (await tack.api('/api/status')).json()) as { components: Record<string, { health: string }> }
  expect(status.components.minio?.health).toBe('ok')
})

it('reads a large upload from an external store over S3, byte-identical', async () => {
  const bytes = Buffer.alloc(3 * 1024 * 1024 + 11, 7)
  const res = await tack.api('/api/files?name=big.bin', { method: 'PUT', body: bytes })
  expect(res.status).toBe(201)
  const file = (await res.json()) as { gatewayUrl: string }
  const store = tack.core.objectStorage.store
  const keys: string[] = []
  for await (const key of store.list('uploads/')) keys.push(key)
  expect(keys.length).toBeGreaterThan(0)
  for (const key of keys) {
    const url = await store.presignedRead(key)
    expect(url?.host).toMatch(/^127\.0\.0\.1:\d+$/) // the relay may make the request
  }
  expect(Buffer.from(await (await fetch(file.gatewayUrl)).arrayBuffer()).equals(bytes)).toBe(true)
})
