// Redirect mode (TACK_GATEWAY_REDIRECT): the gateway sends readers to a public gateway instead of serving,
// still only for content some account holds, and pins the upload so the public network can find it.
// The redirect is never followed: no traffic leaves the machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { json } from './fixtures/http.js'
import { waitFor } from './fixtures/processes.js'

describe('gateway in redirect mode', () => {
  let tack: TestTack
  beforeAll(async () => {
    tack = await startTack({ config: { gatewayRedirect: 'https://gateway.example.org/' } })
  })
  afterAll(() => tack.destroy())

  it('redirects to the public gateway and pins the upload there can be found', async () => {
    const put = await tack.api('/api/files?name=hello.txt', { method: 'PUT', body: 'hello world' })
    expect(put.status).toBe(201)
    const { cid } = await json(put)
    const res = await fetch(`${tack.url}/api/gateway/${cid}`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`https://gateway.example.org/ipfs/${cid}`)
    await waitFor(async () => (await json(await tack.api(`/api/files/${cid}`))).state === 'pinned', 'upload pinned')
  })

  it('is not an open redirector: unknown content is 404', async () => {
    const res = await fetch(`${tack.url}/api/gateway/bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku`, {
      redirect: 'manual',
    })
    expect(res.status).toBe(404)
    expect(res.headers.get('location')).toBeNull()
  })
})
