import { describe, expect, it, vi } from 'vitest'
import { createLanClient } from './lan.js'

describe('LAN sharing through the core', () => {
  const conn = { apiUrl: 'http://127.0.0.1:9', token: 'tok' }

  it('reads and switches the setting with the owner token', async () => {
    let lan = false
    const fetch = vi.fn(async (_url: string, init: RequestInit) => {
      if (init.method === 'PUT') lan = (JSON.parse(String(init.body)) as { lan: boolean }).lan
      return Response.json({ lan, lanUrls: lan ? ['http://192.168.1.2:7576'] : [] })
    })
    const client = createLanClient({ fetch: fetch as unknown as typeof globalThis.fetch, connection: () => conn })
    expect(await client.get()).toBe(false)
    expect(await client.set(true)).toBe(true)
    expect(await client.get()).toBe(true)
    expect(fetch.mock.calls[1]![0]).toBe('http://127.0.0.1:9/api/settings')
    expect((fetch.mock.calls[1]![1].headers as Record<string, string>).authorization).toBe('Bearer tok')
  })

  it('reports the core refusing, and reads false while it is down', async () => {
    const fetch = async () =>
      Response.json({ error: { reason: 'CONFLICT', details: 'port 7576 is taken' } }, { status: 409 })
    const client = createLanClient({ fetch: fetch as unknown as typeof globalThis.fetch, connection: () => conn })
    await expect(client.set(true)).rejects.toThrow('port 7576 is taken')
    const down = createLanClient({ fetch: fetch as unknown as typeof globalThis.fetch, connection: () => undefined })
    expect(await down.get()).toBe(false)
  })
})
