// A read of an upload from the object store keeps its object there until the read ends, even when the upload is
// pinned and moved to Kubo meanwhile (files/placement.ts: holdForRead); then the object goes (one copy). Real
// Kubo, MinIO and SQLite; the read goes through the byte relay (32 MiB) and is left paused by its reader.
import { randomBytes } from 'node:crypto'
import { get, type IncomingMessage } from 'node:http'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { holdsFor } from './fixtures/poll.js'

let tack: TestTack
beforeAll(async () => {
  tack = await startTack()
})
afterAll(async () => {
  await tack?.destroy()
})

async function objectKeys(): Promise<string[]> {
  const keys: string[] = []
  for await (const key of tack.core.objectStorage.store.list('uploads/')) keys.push(key)
  return keys
}

it('an object held for a read that has not begun stays through the move to Kubo, and goes on release', async () => {
  // The window the hold exists for: the gateway found the bytes in the store, and its read of them (the relay's
  // GET) has not reached MinIO yet. (A GET under way already holds MinIO's own lock, which a delete waits for.)
  const bytes = randomBytes(300 * 1024)
  const put = await tack.api('/api/files?name=held.bin', { method: 'PUT', body: bytes })
  const { cid } = (await put.json()) as { cid: string }
  const key = tack.core.files.repo.blob(cid)!.object_key
  const release = tack.core.files.placement.holdForRead(key)
  expect((await tack.api(`/api/files/${cid}/pin`, { method: 'POST' })).status).toBe(202)
  await expect.poll(() => tack.core.files.repo.blob(cid)?.location, { timeout: 30_000 }).toBe('kubo')
  await holdsFor(async () => (await objectKeys()).includes(key), 'the held object is there', 2_000)
  const late = await tack.core.objectStorage.store.read(key)
  const chunks: Buffer[] = []
  for await (const chunk of late) chunks.push(chunk as Buffer)
  expect(Buffer.concat(chunks).equals(bytes)).toBe(true)
  release()
  await expect.poll(async () => (await objectKeys()).includes(key), { timeout: 30_000 }).toBe(false)
})

it('a gateway read releases its hold when it ends: the object of a pinned upload then goes', async () => {
  const bytes = randomBytes(32 * 1024 * 1024)
  const put = await tack.api('/api/files?name=big.bin', { method: 'PUT', body: bytes })
  expect(put.status).toBe(201)
  const { cid } = (await put.json()) as { cid: string }
  const key = tack.core.files.repo.blob(cid)!.object_key
  expect(await objectKeys()).toContain(key)

  // The read starts; its reader takes nothing yet.
  const res = await new Promise<IncomingMessage>((resolve, reject) =>
    get(`${tack.url}/api/gateway/${cid}`, resolve).on('error', reject),
  )
  expect(res.statusCode).toBe(200)

  // Pinned meanwhile: Kubo now holds the bytes, and the blob says so.
  const pin = await tack.api(`/api/files/${cid}/pin`, { method: 'POST' })
  expect(pin.status).toBe(202)
  await expect.poll(() => tack.core.kubo.client.isPinned(cid), { timeout: 30_000 }).toBe(true)
  await expect.poll(() => tack.core.files.repo.blob(cid)?.location, { timeout: 30_000 }).toBe('kubo')
  // The object stays there for the read under way.
  await holdsFor(async () => (await objectKeys()).includes(key), 'the object of the read under way is there', 2_000)

  const chunks: Buffer[] = []
  for await (const chunk of res) chunks.push(chunk as Buffer)
  expect(Buffer.concat(chunks).equals(bytes)).toBe(true)
  // Read to the end: now it goes.
  await expect.poll(async () => (await objectKeys()).includes(key), { timeout: 30_000 }).toBe(false)
  // And the next read comes from Kubo.
  const again = await fetch(`${tack.url}/api/gateway/${cid}`)
  expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true)
})
