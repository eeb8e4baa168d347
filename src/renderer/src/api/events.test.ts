import { describe, expect, it } from 'vitest'
import { readSse } from './events'
import type { LiveEvent } from './types'

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c))
      controller.close()
    },
  })
}

describe('readSse', () => {
  it('parses data lines split across chunks, skips comments and malformed events', async () => {
    const events: LiveEvent[] = []
    await readSse(
      streamOf([
        ': connected\n\n',
        'event: pin\ndata: {"type":"pin","requestid":"r1","status":"pin',
        'ned","cid":"bafy"}\n\n',
        'data: not json\n\n',
        'event: file\r\ndata: {"type":"file","cid":"bafk","state":"stored"}\r\n\r\n',
      ]),
      (e) => events.push(e),
    )
    expect(events).toEqual([
      { type: 'pin', requestid: 'r1', status: 'pinned', cid: 'bafy' },
      { type: 'file', cid: 'bafk', state: 'stored' },
    ])
  })
})
