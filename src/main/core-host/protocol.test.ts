import { describe, expect, it } from 'vitest'
import { parseConfig } from '../core/config.js'
import { ChildMessage, ParentMessage, REQUESTS } from './protocol.js'

describe('core-host protocol', () => {
  it("carries the shell's native binding choice to the child inside the start request's config", () => {
    const config = parseConfig({ dataDir: '/tmp/x', sqliteBinding: '/app/resources/native/better_sqlite3.node' })
    // What crosses the channel is JSON: the child parses the same config back, binding included.
    const params = REQUESTS.start.params.parse(JSON.parse(JSON.stringify({ config })))
    expect(parseConfig(params.config)).toEqual(config)
  })

  it('refuses what is not a request of a known op with an id', () => {
    expect(ParentMessage.safeParse({ kind: 'request', id: 1, op: 'stop', params: {} }).success).toBe(true)
    for (const bad of [
      'stop',
      null,
      { kind: 'request', op: 'stop', params: {} },
      { kind: 'request', id: -1, op: 'stop', params: {} },
      { kind: 'request', id: 1, op: 'exec', params: {} },
      { kind: 'reply', id: 1, ok: true, value: {} },
    ])
      expect(ParentMessage.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
  })

  it("refuses the child's messages that fit no reply or event", () => {
    expect(ChildMessage.safeParse({ kind: 'event', event: 'log', line: 'x' }).success).toBe(true)
    expect(ChildMessage.safeParse({ kind: 'reply', id: 2, ok: false, error: { message: 'no' } }).success).toBe(true)
    for (const bad of [
      { kind: 'event', event: 'log', line: 5 },
      { kind: 'event', event: 'exec' },
      { kind: 'reply', id: 2, ok: 'yes' },
      { kind: 'reply', id: 2, ok: false },
    ])
      expect(ChildMessage.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
  })
})
