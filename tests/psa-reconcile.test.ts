// At start, SQLite and Kubo's pinset are reconciled: a Kubo pin no pin object references any more (a crash
// between deleting an object and unpinning) is removed, and a `pinned` object whose content Kubo lacks is
// pinned again.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { psaClient } from './fixtures/psa.js'
import { tempDir } from './fixtures/tmp.js'

const dir = tempDir()
let tack: TestTack | undefined
afterAll(async () => {
  await tack?.stop()
  dir.remove()
})

async function held(t: TestTack, text: string) {
  const form = new FormData()
  form.append('file', new Blob([text]))
  const res = await t.core.kubo.client.call('add', { 'cid-version': '1', pin: 'false', quiet: 'true' }, { body: form })
  const hash = ((await res.json()) as { Hash: string }).Hash
  expect(hash, 'the CID Kubo added').toMatch(/^baf[a-z2-7]{56}$/)
  return hash
}

it('unpins what no object references and re-pins what Kubo lost', async () => {
  tack = await startTack({ dataDir: dir.path })
  const key = tack.keyFor('reconcile', ['pins:read', 'pins:write'])
  let client = psaClient(tack, key)
  const orphan = await held(tack, 'an object deleted by a crash')
  const lost = await held(tack, 'a pin Kubo lost')
  const orphanPin = await client.add({ cid: orphan })
  const lostPin = await client.add({ cid: lost })
  await client.waitFor(orphanPin.requestid, 'pinned')
  await client.waitFor(lostPin.requestid, 'pinned')
  // Kubo loses a pin behind Tack's back.
  await tack.core.kubo.client.pinRm(lost)
  await tack.stop()

  // The object goes while Tack is down, as if Tack died between the DELETE and the unpin.
  const db = new Database(join(dir.path, 'tack.db'))
  db.prepare('DELETE FROM pins WHERE requestid = ?').run(orphanPin.requestid)
  db.close()

  tack = await startTack({ dataDir: dir.path })
  client = psaClient(tack, key)
  expect(await tack.core.kubo.client.isPinned(orphan)).toBe(false)
  await client.waitFor(lostPin.requestid, 'pinned')
  expect(await tack.core.kubo.client.isPinned(lost)).toBe(true)
})

it('sizes a pinned object a stop left without its size (quota-less accounts settle before dag stat)', async () => {
  tack ??= await startTack({ dataDir: dir.path })
  const owner = psaClient(tack, tack.adminKey)
  const cid = await held(tack, 'pinned, then stopped before its size was written')
  const pin = await owner.add({ cid })
  await owner.waitFor(pin.requestid, 'pinned')
  await expect.poll(async () => (await owner.get(pin.requestid)).info?.dag_size, { timeout: 10_000 }).toBeDefined()
  const size = Number((await owner.get(pin.requestid)).info?.dag_size)
  await tack.stop()

  // What a stop between the two writes of fetch-job.ts leaves: pinned, no size.
  const db = new Database(join(dir.path, 'tack.db'))
  db.prepare("UPDATE pins SET dag_size = NULL, info = '{}' WHERE requestid = ?").run(pin.requestid)
  db.close()

  tack = await startTack({ dataDir: dir.path })
  const again = psaClient(tack, tack.adminKey)
  await expect.poll(async () => Number((await again.get(pin.requestid)).info?.dag_size), { timeout: 20_000 }).toBe(size)
  expect((await again.get(pin.requestid)).status).toBe('pinned')
  expect(await tack.core.kubo.client.isPinned(cid)).toBe(true)
})
