import { describe, expect, it, vi } from 'vitest'
import { createNotifier, createSseParser, noticeFor, watchCoreEvents } from './notifications.js'

describe('which events notify', () => {
  it('notifies finished and failed pins and uploads', () => {
    expect(noticeFor({ type: 'pin', status: 'pinned', name: 'cat.gif', cid: 'bafy1' })).toEqual({
      title: 'Pinned',
      body: 'cat.gif',
      ok: true,
      cid: 'bafy1',
    })
    expect(noticeFor({ type: 'pin', status: 'failed', cid: 'bafy2' })).toMatchObject({
      title: 'Pin failed',
      body: 'bafy2',
      ok: false,
    })
    expect(noticeFor({ type: 'file', status: 'done', name: 'a.txt', cid: 'bafy3' })).toMatchObject({
      title: 'Uploaded',
    })
    expect(noticeFor({ type: 'file', status: 'failed', name: 'a.txt' })).toMatchObject({
      title: 'Upload failed',
      ok: false,
    })
    expect(noticeFor({ status: 'pinned', cid: 'c' }, 'pin')).toMatchObject({ title: 'Pinned' })
  })

  it('ignores everything else', () => {
    for (const payload of [
      { type: 'pin', status: 'queued', cid: 'c' },
      { type: 'pin', status: 'pinning', cid: 'c' },
      { type: 'file', state: 'pinning', cid: 'c' },
      { type: 'file', state: 'pinned', cid: 'c' },
      { type: 'pin', status: 'stored', cid: 'c' },
      { type: 'pin', status: 'pinned', cid: 'c', deleted: true },
      { type: 'key', status: 'created' },
      { type: 'file' },
      null,
      'pinned',
      42,
    ])
      expect(noticeFor(payload)).toBeUndefined()
  })
})

describe('server-sent events', () => {
  it('parses events split across chunks, with names, comments and CRLF', () => {
    const events: Array<[string, string | undefined]> = []
    const feed = createSseParser((data, event) => events.push([data, event]))
    feed(': keep-alive\n\ndata: {"a":')
    feed('1}\n\nevent: pin\r\ndata: x\r\ndata: y\r\n\r\n')
    expect(events).toEqual([
      ['{"a":1}', undefined],
      ['x\ny', 'pin'],
    ])
  })

  it('follows the stream with the token and reconnects after it ends', async () => {
    const bodies = [
      'data: {"type":"pin","status":"pinned","cid":"c1"}\n\n',
      'data: {"type":"file","status":"done","cid":"c2"}\n\n',
    ]
    const seen: unknown[] = []
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => {
      const text = bodies.shift()
      return text ? new Response(text, { status: 200 }) : new Response('no', { status: 404 })
    })
    const watcher = watchCoreEvents({
      fetch: fetch as unknown as typeof globalThis.fetch,
      connection: () => ({ apiUrl: 'http://127.0.0.1:1', token: 'secret' }),
      onEvent: (p) => seen.push(p),
      log: { debug: () => {} },
      backoffMs: [1],
    })
    await vi.waitFor(() => expect(seen).toHaveLength(2))
    watcher.stop()
    expect(fetch.mock.calls[0]![0]).toBe('http://127.0.0.1:1/api/events')
    expect((fetch.mock.calls[0]![1].headers as Record<string, string>).authorization).toBe('Bearer secret')
  })
})

describe('notifier', () => {
  it('shows one notification for the same CID within the window', () => {
    let t = 0
    const show = vi.fn()
    const notify = createNotifier({ show, now: () => t, dedupeMs: 1000 })
    notify({ title: 'Uploaded', body: 'a.txt', ok: true, cid: 'c' })
    notify({ title: 'Pinned', body: 'a.txt', ok: true, cid: 'c' })
    notify({ title: 'Pin failed', body: 'b', ok: false, cid: 'd' })
    t = 2000
    notify({ title: 'Pinned', body: 'a.txt', ok: true, cid: 'c' })
    expect(show).toHaveBeenCalledTimes(3)
  })
})
