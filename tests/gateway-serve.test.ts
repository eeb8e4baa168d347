// The gateway against a real Tack: bytes, ranges, HEAD, caching headers, on-demand pinning on first access
// (once, however many requests race), the upload showing as a PSA pin, 404 for anything nobody uploaded or
// pinned, CAR export, and the LAN listener that serves the gateway and nothing else.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CoreEvent } from '../src/main/core/events.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { waitFor } from './fixtures/processes.js'

let tack: TestTack

beforeAll(async () => {
  tack = await startTack({ config: { lan: true, lanPort: 0 } })
})
afterAll(async () => {
  await tack?.destroy()
})

interface FileJson {
  cid: string
  state: string
  views: number
  lastAccessed: string | null
  gatewayUrl: string
  lanUrl?: string
}

async function upload(bytes: Buffer | string, name: string, key?: string): Promise<FileJson> {
  const res = await tack.api(`/api/files?name=${encodeURIComponent(name)}`, { method: 'PUT', body: bytes, key })
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()) as FileJson
}

const record = async (cid: string, key?: string) =>
  (await (await tack.api(`/api/files/${cid}`, { key })).json()) as FileJson

describe('gateway', () => {
  it('serves ranges, HEAD and immutable caching headers from the object store', async () => {
    const bytes = randomBytes(600_000)
    const file = await upload(bytes, 'range.bin')
    const head = await fetch(file.gatewayUrl, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('600000')
    expect(head.headers.get('etag')).toBe(`"${file.cid}"`)
    expect(head.headers.get('cache-control')).toContain('immutable')
    expect(head.headers.get('accept-ranges')).toBe('bytes')
    const part = await fetch(file.gatewayUrl, { headers: { range: 'bytes=1000-1999' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 1000-1999/600000')
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true)
    const tail = await fetch(file.gatewayUrl, { headers: { range: 'bytes=-10' } })
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(-10))).toBe(true)
    expect((await fetch(file.gatewayUrl, { headers: { range: 'bytes=700000-' } })).status).toBe(416)
    expect((await fetch(file.gatewayUrl, { headers: { 'if-none-match': `"${file.cid}"` } })).status).toBe(304)
    const download = await fetch(`${file.gatewayUrl}?download=true`, { method: 'HEAD' })
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="range.bin"/)
    const named = await fetch(`${file.gatewayUrl}?filename=x.bin`, { method: 'HEAD' })
    expect(named.headers.get('content-disposition')).toMatch(/^inline; filename="x.bin"/)
  })

  it('types content from its bytes and its name', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(100)])
    expect((await fetch((await upload(png, 'no-extension')).gatewayUrl)).headers.get('content-type')).toBe('image/png')
    const css = await upload('body { color: red }', 'style.css')
    expect((await fetch(css.gatewayUrl)).headers.get('content-type')).toBe('text/css; charset=utf-8')
  })

  it('pins on first access exactly once, however many requests race, and lists the upload as a PSA pin', async () => {
    const key = tack.keyFor('racer')
    const bytes = randomBytes(3 * 1024 * 1024)
    const file = await upload(bytes, 'race.bin', key)
    expect(file.state).toBe('stored')
    const states: string[] = []
    const off = tack.core.events.subscribe(undefined, (e: CoreEvent) => {
      // State changes only: the gateway's view-count events (they carry `views`) repeat the current state.
      if (e.type === 'file' && e.cid === file.cid && e.views === undefined) states.push(String(e.state))
    })
    const bodies = await Promise.all(
      Array.from({ length: 8 }, async () => Buffer.from(await (await fetch(file.gatewayUrl)).arrayBuffer())),
    )
    for (const body of bodies) expect(body.equals(bytes)).toBe(true)
    await waitFor(async () => (await record(file.cid, key)).state === 'pinned', 'the upload to be pinned')
    off()
    expect(states).toEqual(['pinning', 'pinned'])
    expect(await tack.core.kubo.client.isPinned(file.cid)).toBe(true)
    const after = await record(file.cid, key)
    expect(after.views).toBe(8)
    expect(after.lastAccessed).not.toBeNull()
    const pins = (await (await tack.api('/api/pinning/pins', { key })).json()) as {
      count: number
      results: Array<{ status: string; pin: { cid: string; name?: string } }>
    }
    expect(pins.count).toBe(1)
    expect(pins.results[0]).toMatchObject({ status: 'pinned', pin: { cid: file.cid, name: 'race.bin' } })
    // Now served from Kubo: same bytes, ranges too.
    const again = await fetch(file.gatewayUrl, { headers: { range: 'bytes=5-9' } })
    expect(again.status).toBe(206)
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes.subarray(5, 10))).toBe(true)
    // Each CID counts once: the upload is also a pin object, usage stays the file's size.
    const me = (await (await tack.api('/api/accounts/me', { key })).json()) as { usage: number }
    expect(me.usage).toBe(bytes.length)
    // Deleting the upload frees the quota, the pin object and Kubo's pin.
    expect((await tack.api(`/api/files/${file.cid}`, { key, method: 'DELETE' })).status).toBe(204)
    expect(((await (await tack.api('/api/pinning/pins', { key })).json()) as { count: number }).count).toBe(0)
    expect(((await (await tack.api('/api/accounts/me', { key })).json()) as { usage: number }).usage).toBe(0)
    await waitFor(async () => !(await tack.core.kubo.client.isPinned(file.cid)), 'Kubo to unpin')
  })

  it('pins at once with ?pin=true and POST /api/files/{cid}/pin, and exports a CAR', async () => {
    const res = await tack.api('/api/files?name=now.txt&pin=true', { method: 'PUT', body: 'pin me now' })
    expect(((await res.json()) as FileJson).state).toBe('pinned')
    const later = await upload('pin me later', 'later.txt')
    const accepted = await tack.api(`/api/files/${later.cid}/pin`, { method: 'POST' })
    expect(accepted.status).toBe(202)
    await waitFor(async () => (await record(later.cid)).state === 'pinned', 'pin now')
    const car = await fetch(`${later.gatewayUrl}?format=car`)
    expect(car.status).toBe(200)
    expect(car.headers.get('content-type')).toContain('application/vnd.ipld.car')
    expect(Buffer.from(await car.arrayBuffer()).includes(Buffer.from('pin me later'))).toBe(true)
  })

  it('answers 404 for a CID nobody uploaded or pinned, even when Kubo holds it', async () => {
    const stray = randomBytes(100)
    const form = new FormData()
    form.append('file', new Blob([stray]))
    // Through Tack's Kubo client: Kubo's RPC answers only with the secret Tack holds.
    const added = await tack.core.kubo.client.call('add', { 'cid-version': '1', pin: 'true' }, { body: form })
    expect(added.status, await added.clone().text()).toBe(200)
    const { Hash } = (await added.json()) as { Hash: string }
    // A CIDv1 of raw leaves or dag-pb (base32 "bafk…"/"bafy…"), pinned by Kubo: the 404 below is for real content.
    expect(Hash).toMatch(/^baf[a-z2-7]{56}$/)
    expect(await tack.core.kubo.client.isPinned(Hash)).toBe(true)
    const res = await fetch(`${tack.url}/api/gateway/${Hash}`)
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { reason: string } }).error.reason).toBe('NOT_FOUND')
    expect((await fetch(`${tack.url}/api/gateway/not-a-cid`)).status).toBe(404)
  })

  it('shares the gateway on the LAN listener and nothing else; settings switch it at run time', async () => {
    const status = (await (await tack.api('/api/status')).json()) as { lan: { enabled: boolean; urls: string[] } }
    expect(status.lan.enabled).toBe(true)
    const lanBase = status.lan.urls[0]!
    const port = new URL(lanBase).port
    const file = await upload('shared on the LAN', 'lan.txt')
    expect(file.lanUrl).toBe(`${lanBase}/api/gateway/${file.cid}`)
    const local = `http://127.0.0.1:${port}`
    expect(await (await fetch(`${local}/api/gateway/${file.cid}`)).text()).toBe('shared on the LAN')
    const refused = await fetch(`${local}/api/pinning/pins`, { headers: { authorization: `Bearer ${tack.adminKey}` } })
    expect(refused.status).toBe(404)
    expect((await fetch(`${local}/api/files`, { headers: { authorization: `Bearer ${tack.adminKey}` } })).status).toBe(
      404,
    )
    const off = await tack.api('/api/settings', {
      method: 'PUT',
      body: JSON.stringify({ lan: false }),
      headers: { 'content-type': 'application/json' },
    })
    expect(((await off.json()) as { lan: boolean }).lan).toBe(false)
    await expect(fetch(`${local}/api/gateway/${file.cid}`)).rejects.toThrow()
    expect((await record(file.cid)).lanUrl).toBeUndefined()
    const on = await tack.api('/api/settings', {
      method: 'PUT',
      body: JSON.stringify({ lan: true }),
      headers: { 'content-type': 'application/json' },
    })
    expect(((await on.json()) as { lan: boolean }).lan).toBe(true)
    expect((await tack.api('/api/settings', { key: tack.keyFor('not-admin') })).status).toBe(403)
  })
})
