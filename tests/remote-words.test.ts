// A forwarding target's answer reaches every forwarded account's pins only as Tack's own words: a PSA endpoint
// on loopback that answers with a 200 KB status and 200 KB of status_details leaves each pin's info small
// (the status read as `failed`, details Tack's own, within 200 characters), and stores nothing of that size.
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { json } from './fixtures/http.js'
import { waitFor } from './fixtures/processes.js'

const HUGE = 200_000

describe("a forwarding target's own words", () => {
  let tack: TestTack
  let target: Server
  let status = 'x'.repeat(HUGE)
  let answered = 0

  beforeAll(async () => {
    tack = await startTack({ config: { remotePollMs: 200 } })
    target = createServer((req, res) => {
      req.resume()
      res.writeHead(req.method === 'POST' ? 202 : 200, { 'content-type': 'application/json' })
      if (req.method === 'GET') answered++
      res.end(
        JSON.stringify({
          requestid: 'r1',
          status,
          created: new Date().toISOString(),
          pin: { cid: 'bafkqaaa' },
          delegates: [],
          info: { status_details: 'y'.repeat(HUGE) },
        }),
      )
    })
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    await new Promise((resolve) => target.close(resolve))
    await tack.destroy()
  })

  it('stay out of the pins: the status is checked, the details are bounded and Tack’s own', async () => {
    const url = `http://127.0.0.1:${(target.address() as { port: number }).port}/api`
    const key = tack.keyFor('forwarded', ['pins:read', 'pins:write'])
    const add = await tack.api('/api/remotes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'wordy', kind: 'psa', url, accounts: ['forwarded'] }),
    })
    expect(add.status).toBe(201)
    const res = await tack.api('/api/pinning/pins', {
      method: 'POST',
      key,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cid: 'bafkqaaa', name: 'forwarded' }),
    })
    const { requestid } = await json(res)
    const read = async () => json(await tack.api(`/api/pinning/pins/${requestid}`, { key }))
    const pin = await waitFor(async () => {
      if (!answered) return undefined
      const p = await read()
      const state = p.info?.['remote.wordy']
      return state && state !== 'queued' ? p : undefined
    }, 'the target’s state in the pin')
    expect(answered).toBeGreaterThan(0)
    expect(pin.info['remote.wordy']).toBe('failed')
    expect(pin.info['remote.wordy.details'].length).toBeLessThanOrEqual(200)
    expect(JSON.stringify(pin).length).toBeLessThan(2000)
    const stored = tack.core.state.db
      .prepare('SELECT MAX(LENGTH(COALESCE(details, \'\'))) AS d, MAX(LENGTH(status)) AS s FROM remote_pins')
      .get() as { d: number; s: number }
    expect(stored.d).toBeLessThanOrEqual(200)
    expect(stored.s).toBeLessThanOrEqual(7)

    // A valid status passes; the endpoint's 200 KB of status_details still do not.
    status = 'pinned'
    const settled = await waitFor(async () => {
      const p = await read()
      return p.info?.['remote.wordy'] === 'pinned' ? p : undefined
    }, 'the pinned state in the pin')
    expect(JSON.stringify(settled).length).toBeLessThan(2000)
    expect(JSON.stringify(settled)).not.toMatch(/yyyy/)
  })
})
