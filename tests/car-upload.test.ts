// CAR uploads against a real core and a second Kubo that makes the CARs (`ipfs add -r --cid-version=1`,
// `dag export`): the entry's CID is the root, the gateway serves the folder's files byte-identical, an
// export through the gateway imports back to the same CID, and corrupt, incomplete, two-root and non-CAR
// bodies are refused with 400 leaving nothing behind (no record, no object, no pending row).
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CarReader } from '@ipld/car'
import type { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { tempDir } from './fixtures/tmp.js'
import { carBytes } from './fixtures/car.js'

const CAR = 'application/vnd.ipld.car'

interface FileJson {
  cid: string
  state: string
  private: boolean
}

const buildCar = carBytes

describe('CAR uploads', () => {
  let tack: TestTack
  let node: KuboTestNode
  const dir = tempDir('tack-car-src-')
  const big = randomBytes(700 * 1024)
  const small = Buffer.from('hello from a CAR\n')
  let folderCid = ''
  let folderCar: Buffer

  const exportCar = async (cid: string) => {
    const res = await fetch(`${node.apiUrl}/api/v0/dag/export?arg=${cid}`, { method: 'POST' })
    expect(res.status).toBe(200)
    return Buffer.from(await res.arrayBuffer())
  }
  const put = (body: Buffer, query = 'name=site&format=car', headers: Record<string, string> = {}, key?: string) =>
    tack.api(`/api/files?${query}`, { method: 'PUT', body, headers, key })
  const objects = async () => {
    const keys: string[] = []
    for await (const k of tack.core.objectStorage.store.list('uploads/')) keys.push(k)
    return keys.sort()
  }
  const pending = () =>
    (tack.core.state.db.prepare('SELECT COUNT(*) AS n FROM pending_uploads').get() as { n: number }).n

  beforeAll(async () => {
    ;[tack, node] = await Promise.all([startTack(), startKuboNode()])
    mkdirSync(join(dir.path, 'site', 'sub'), { recursive: true })
    writeFileSync(join(dir.path, 'site', 'hello.txt'), small)
    writeFileSync(join(dir.path, 'site', 'sub', 'big.bin'), big)
    folderCid = (await node.ipfs(['add', '-r', '-Q', '--cid-version=1', join(dir.path, 'site')])).trim()
    expect(folderCid).toMatch(/^bafy/)
    folderCar = await exportCar(folderCid)
  })
  afterAll(async () => {
    await Promise.all([tack?.destroy(), node?.stop()])
    dir.remove()
  })

  it('a folder CAR from `ipfs dag export`: same root, its files served identical', async () => {
    const res = await put(folderCar)
    expect(res.status).toBe(201)
    const body = (await res.json()) as FileJson & { type?: string }
    expect(body.cid).toBe(folderCid)
    expect(body.state).toBe('pinned')
    const a = await fetch(`${tack.url}/api/gateway/${folderCid}/hello.txt`)
    expect(a.status).toBe(200)
    expect(Buffer.from(await a.arrayBuffer()).equals(small)).toBe(true)
    const b = await fetch(`${tack.url}/api/gateway/${folderCid}/sub/big.bin`)
    expect(Buffer.from(await b.arrayBuffer()).equals(big)).toBe(true)
    const range = await fetch(`${tack.url}/api/gateway/${folderCid}/sub/big.bin`, {
      headers: { range: 'bytes=1000-1999' },
    })
    expect(range.status).toBe(206)
    expect(Buffer.from(await range.arrayBuffer()).equals(big.subarray(1000, 2000))).toBe(true)
    // The same bytes the other Kubo serves for the same DAG.
    const theirs = await fetch(`${node.apiUrl}/api/v0/cat?arg=${folderCid}/sub/big.bin`, { method: 'POST' })
    expect(Buffer.from(await theirs.arrayBuffer()).equals(big)).toBe(true)
  })

  it('a single-file CAR by Content-Type, and an export through the gateway imports to the same CID', async () => {
    const cid = (await node.ipfs(['add', '-Q', '--cid-version=1', join(dir.path, 'site', 'sub', 'big.bin')])).trim()
    const res = await put(await exportCar(cid), 'name=big.bin', { 'content-type': CAR })
    expect(res.status).toBe(201)
    expect(((await res.json()) as FileJson).cid).toBe(cid)
    const served = await fetch(`${tack.url}/api/gateway/${cid}`)
    expect(Buffer.from(await served.arrayBuffer()).equals(big)).toBe(true)

    const exported = await fetch(`${tack.url}/api/gateway/${folderCid}?format=car`)
    expect(exported.status).toBe(200)
    const car = Buffer.from(await exported.arrayBuffer())
    const bob = tack.keyFor('bob', ['files:read', 'files:write'])
    const again = await put(car, 'name=copy&format=car', {}, bob)
    expect(again.status).toBe(201)
    expect(((await again.json()) as FileJson).cid).toBe(folderCid)
  })

  it('a folder uploaded later with a file whose CID a CAR brought serves that file, not the CAR', async () => {
    const cid = (await node.ipfs(['add', '-Q', '--cid-version=1', join(dir.path, 'site', 'sub', 'big.bin')])).trim()
    const form = new FormData()
    form.append('file', new Blob([big]), 'later/big.bin')
    form.append('file', new Blob([small]), 'later/hello.txt')
    const res = await tack.api('/api/files', { method: 'POST', body: form })
    expect(res.status).toBe(201)
    const { directory, files } = (await res.json()) as { directory: { cid: string }; files: FileJson[] }
    expect(files.map((f) => f.cid)).toContain(cid)
    const served = await fetch(`${tack.url}/api/gateway/${directory.cid}/big.bin`)
    expect(Buffer.from(await served.arrayBuffer()).equals(big)).toBe(true)
    const alone = await fetch(`${tack.url}/api/gateway/${cid}`)
    expect(Buffer.from(await alone.arrayBuffer()).equals(big)).toBe(true)
  })

  describe('refused with 400, nothing kept', () => {
    let blocks: Array<{ cid: CID; bytes: Uint8Array }>
    let root: CID
    beforeAll(async () => {
      const reader = await CarReader.fromBytes(folderCar)
      root = (await reader.getRoots())[0]!
      blocks = []
      for await (const b of reader.blocks()) blocks.push(b)
      expect(blocks.length).toBeGreaterThan(3)
    })

    const refused = async (body: Buffer, words: RegExp) => {
      const before = await objects()
      const rows = (tack.core.state.db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n
      const res = await put(body, 'name=bad&format=car')
      expect(res.status).toBe(400)
      const failure = (await res.json()) as { error: { reason: string; details: string } }
      expect(failure.error.reason).toBe('BAD_REQUEST')
      expect(failure.error.details).toMatch(words)
      expect(await objects()).toEqual(before)
      expect(pending()).toBe(0)
      expect((tack.core.state.db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n).toBe(rows)
    }

    it('a corrupt block', async () => {
      // A leaf's bytes changed, its CID kept: the hash no longer matches.
      const leaf = blocks.find((b) => b.cid.code === 0x55 && b.bytes.length > 1000)!
      const bytes = Uint8Array.from(leaf.bytes)
      bytes[500] = bytes[500]! ^ 0xff
      const car = await buildCar(
        [root],
        blocks.map((b) => (b === leaf ? { cid: b.cid, bytes } : b)),
      )
      await refused(car, /does not match its CID/)
    })

    it('a missing block', async () => {
      const leaf = blocks.find((b) => b.cid.code === 0x55)!
      await refused(
        await buildCar(
          [root],
          blocks.filter((b) => b !== leaf),
        ),
        /missing/,
      )
    })

    it('two roots', async () => {
      await refused(await buildCar([root, blocks.at(-1)!.cid], blocks), /exactly one root/)
    })

    it('not a CAR, and a truncated one', async () => {
      await refused(randomBytes(5000), /CAR/)
      await refused(folderCar.subarray(0, folderCar.length - 100), /malformed or truncated|missing/)
    })
  })

  it('a CAR cannot be private', async () => {
    expect((await put(folderCar, 'name=p&format=car&private=true')).status).toBe(400)
  })
})
