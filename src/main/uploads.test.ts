import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { UploadEvent } from '../shared/ipc.js'
import { cidOf, createDropBatcher, createUploader, expandPaths } from './uploads.js'

const dir = mkdtempSync(join(tmpdir(), 'tack-uploads-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
mkdirSync(join(dir, 'photos', '2024'), { recursive: true })
writeFileSync(join(dir, 'photos', 'b.txt'), 'b')
writeFileSync(join(dir, 'photos', '2024', 'a.txt'), 'a')
writeFileSync(join(dir, 'hello.txt'), 'hello world')

describe('uploads from main', () => {
  it('expands folders into files named by their relative path', async () => {
    const entries = await expandPaths([join(dir, 'hello.txt'), join(dir, 'photos'), join(dir, 'missing')])
    expect(entries.map((e) => e.name)).toEqual(['hello.txt', 'photos/2024/a.txt', 'photos/b.txt'])
  })

  it('finds the CID in the shapes the files route may answer with', () => {
    expect(cidOf({ cid: 'bafy1' })).toBe('bafy1')
    expect(cidOf({ cid: { '/': 'bafy2' } })).toBe('bafy2')
    expect(cidOf({ files: [{ name: 'a', cid: 'bafy3' }] })).toBe('bafy3')
    expect(cidOf({ nothing: true })).toBeUndefined()
  })

  it('streams a file to the core with the token, sends a folder as one multipart POST, and reports every state', async () => {
    const received: Array<{ url: string; auth: string; body: string }> = []
    const fetch = vi.fn(async (url: string, init: RequestInit) => {
      if (url.endsWith('/api/settings')) return Response.json({ lan: false, addToIpfs: false })
      const body = await new Response(init.body).text()
      received.push({ url, auth: (init.headers as Record<string, string>).authorization!, body })
      if (url.includes('hello'))
        return Response.json({ cid: `cid-of-${body}`, gatewayUrl: 'http://127.0.0.1:9/api/gateway/x' })
      return Response.json({ files: [{ cid: 'cid-of-a' }], directory: { cid: 'cid-of-photos', name: 'photos' } })
    })
    const events: UploadEvent[] = []
    const upload = createUploader({
      fetch: fetch as unknown as typeof globalThis.fetch,
      connection: () => ({ apiUrl: 'http://127.0.0.1:9', token: 'tok' }),
      emit: (e) => events.push(e),
    })
    const results = await upload([join(dir, 'hello.txt'), join(dir, 'photos')])
    expect(received[0]).toEqual({
      url: 'http://127.0.0.1:9/api/files?name=hello.txt',
      auth: 'Bearer tok',
      body: 'hello world',
    })
    expect(received[1]!.url).toBe('http://127.0.0.1:9/api/files')
    expect(received[1]!.body).toMatch(/filename="photos\/2024\/a.txt"[^]*filename="photos\/b.txt"/)
    expect(results).toEqual([
      { name: 'hello.txt', status: 'done', cid: 'cid-of-hello world', link: 'http://127.0.0.1:9/api/gateway/x' },
      { name: 'photos', status: 'done', cid: 'cid-of-photos' },
    ])
    expect(events.filter((e) => e.status === 'uploading')).toHaveLength(2)
  })

  it('reports a refused folder with the core reason', async () => {
    const fetch = vi.fn(async (url: string) =>
      url.endsWith('/api/settings')
        ? Response.json({ addToIpfs: true })
        : Response.json({ error: { reason: 'INSUFFICIENT_FUNDS', details: 'quota exceeded' } }, { status: 409 }),
    )
    const upload = createUploader({
      fetch: fetch as unknown as typeof globalThis.fetch,
      connection: () => ({ apiUrl: 'http://127.0.0.1:9', token: 'tok' }),
      emit: () => {},
    })
    expect(await upload([join(dir, 'photos')])).toEqual([{ name: 'photos', status: 'failed', error: 'quota exceeded' }])
    expect(fetch).toHaveBeenLastCalledWith('http://127.0.0.1:9/api/files?pin=true', expect.anything())
  })

  it('puts the files on IPFS at once (pin=true) while the add-to-IPFS setting is on, and when it cannot be read', async () => {
    for (const settings of [{ addToIpfs: true }, undefined]) {
      const urls: string[] = []
      const fetch = vi.fn(async (url: string) => {
        urls.push(url)
        if (url.endsWith('/api/settings'))
          return settings ? Response.json(settings) : Response.json({ error: { reason: 'FORBIDDEN' } }, { status: 403 })
        return Response.json({ cid: 'x' })
      })
      const upload = createUploader({
        fetch: fetch as unknown as typeof globalThis.fetch,
        connection: () => ({ apiUrl: 'http://127.0.0.1:9', token: 'tok' }),
        emit: () => {},
      })
      await upload([join(dir, 'hello.txt')])
      expect(urls).toEqual(['http://127.0.0.1:9/api/settings', 'http://127.0.0.1:9/api/files?name=hello.txt&pin=true'])
    }
  })

  it('fails cleanly while the core is not running', async () => {
    const upload = createUploader({
      fetch: vi.fn() as unknown as typeof fetch,
      connection: () => undefined,
      emit: () => {},
    })
    expect(await upload([join(dir, 'hello.txt')])).toEqual([
      { name: 'hello.txt', status: 'failed', error: 'Tack is not running' },
    ])
  })
})

describe('drops on the dock or tray', () => {
  it('batches drops and holds them until the core runs', async () => {
    const upload = vi.fn(async () => [])
    let ready = false
    const batcher = createDropBatcher({ upload, ready: () => ready, delayMs: 5 })
    batcher.add(['/a'])
    batcher.add(['/b'])
    await new Promise((r) => setTimeout(r, 20))
    expect(upload).not.toHaveBeenCalled()
    ready = true
    batcher.flush()
    expect(upload).toHaveBeenCalledWith(['/a', '/b'])
    batcher.flush()
    expect(upload).toHaveBeenCalledTimes(1)
  })
})
