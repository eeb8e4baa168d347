import { describe, expect, it } from 'vitest'
import { defaultKeyPolicy, isKeyPolicy, keyAllowed, touchesPrivate } from './trust.js'

describe('which keys of an archive a merge adds', () => {
  it('adds none by default on merge, all on a restore into an empty data dir', () => {
    expect(defaultKeyPolicy(true)).toBe('none')
    expect(defaultKeyPolicy(false)).toBe('all')
    expect(isKeyPolicy('same-scopes')).toBe(true)
    expect(isKeyPolicy('admin')).toBe(false)
  })

  it('none adds no key, all adds every key', () => {
    for (const intoNew of [true, false]) {
      expect(keyAllowed('none', 'pins:read', intoNew)).toBe(false)
      expect(keyAllowed('all', 'admin pins:read', intoNew)).toBe(true)
    }
  })

  it('same-scopes adds ordinary keys into accounts the merge creates, never admin ones', () => {
    expect(keyAllowed('same-scopes', 'pins:read pins:write files:read files:write', true)).toBe(true)
    expect(keyAllowed('same-scopes', 'pins:read', false)).toBe(false)
    expect(keyAllowed('same-scopes', 'pins:read admin', true)).toBe(false)
    expect(keyAllowed('same-scopes', 'admin', true)).toBe(false)
    // Scopes this Tack does not know, none at all, or not text: not added.
    expect(keyAllowed('same-scopes', 'pins:read root', true)).toBe(false)
    expect(keyAllowed('same-scopes', '', true)).toBe(false)
    expect(keyAllowed('same-scopes', null, true)).toBe(false)
  })
})

describe('which records of an archive touch content private here', () => {
  const privateHere = new Set(['bafyprivate'])
  it('a record of that CID, or a folder with it inside', () => {
    expect(touchesPrivate(privateHere, 'bafyprivate', [])).toBe(true)
    expect(touchesPrivate(privateHere, 'bafydir', ['bafyother', 'bafyprivate'])).toBe(true)
    expect(touchesPrivate(privateHere, 'bafydir', ['bafyother'])).toBe(false)
    expect(touchesPrivate(privateHere, 'bafyother', [])).toBe(false)
  })
})
