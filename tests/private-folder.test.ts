// One record per account and CID: re-uploading with private=true the bytes of a file that a public folder of
// the account holds would mark that record private while the folder still served the file to anyone. It is
// refused (409, naming the folder) and the folder and file stay as they were; a private folder upload, and
// making a lone public upload private, work as before.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { json } from './fixtures/http.js'

describe('a file of a public folder uploaded again privately', () => {
  let tack: TestTack
  beforeAll(async () => {
    tack = await startTack()
  })
  afterAll(() => tack?.destroy())

  const postFolder = async (files: Record<string, Buffer>, query = '') => {
    const form = new FormData()
    for (const [path, bytes] of Object.entries(files)) form.append('file', new Blob([bytes]), path)
    return tack.api(`/api/files${query}`, { method: 'POST', body: form })
  }
  const gateway = (path: string) => fetch(`${tack.url}/api/gateway/${path}`)

  it('is refused with 409 naming the folder, and the folder and the file stay public', async () => {
    const a = randomBytes(1000)
    const res = await postFolder({ 'album/a.bin': a, 'album/b.bin': randomBytes(1000) })
    expect(res.status).toBe(201)
    const { files, directory } = await json(res)
    const aCid = files[0]!.cid
    expect((await gateway(`${directory.cid}/a.bin`)).status).toBe(200)

    const again = await tack.api('/api/files?name=a.bin&private=true', { method: 'PUT', body: a })
    expect(again.status).toBe(409)
    const failure = await json(again)
    expect(failure.error.reason).toBe('CONFLICT')
    expect(failure.error.details).toContain(directory.cid)

    expect(await json(await tack.api(`/api/files/${aCid}`))).toMatchObject({ private: false })
    const served = await gateway(`${directory.cid}/a.bin`)
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer()).equals(a)).toBe(true)
  })

  it('leaves private folder uploads and a lone upload made private as they were', async () => {
    const res = await postFolder({ 'secret/x.bin': randomBytes(500), 'secret/y.bin': randomBytes(500) }, '?private=true')
    expect(res.status).toBe(201)
    const { directory } = await json(res)
    expect((await gateway(`${directory.cid}/x.bin`)).status).toBe(404)

    const lone = randomBytes(700)
    const first = await json(await tack.api('/api/files?name=lone.bin', { method: 'PUT', body: lone }))
    const again = await tack.api('/api/files?name=lone.bin&private=true', { method: 'PUT', body: lone })
    expect(again.status).toBe(201)
    expect(await json(await tack.api(`/api/files/${first.cid}`))).toMatchObject({ private: true })
  })
})
