import { describe, expect, it } from 'vitest'
import { isCoreError } from '../errors.js'
import { createUploadSlots } from './upload-slots.js'

describe('upload slots', () => {
  it('gives each holder its own slots and refuses the one past the cap with TOO_MANY_UPLOADS', () => {
    const slots = createUploadSlots(2)
    const a1 = slots.take('a')
    slots.take('a')
    slots.take('b')
    let refused: unknown
    try {
      slots.take('a')
    } catch (err) {
      refused = err
    }
    expect(isCoreError(refused, 'TOO_MANY_UPLOADS')).toBe(true)
    expect((refused as Error).message).toMatch(/TACK_MAX_UPLOADS_PER_KEY/)
    a1()
    a1() // a second release gives nothing back twice
    expect(slots.inUse('a')).toBe(1)
    expect(() => slots.take('a')).not.toThrow()
    expect(() => slots.take('a')).toThrow(/2 uploads in progress/)
  })
})
