import { describe, expect, it } from 'vitest'
import { formatBytes, quotaWords } from './bytes.js'

describe('formatBytes', () => {
  it('uses IEC units with at most one decimal', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1024)).toBe('1 KiB')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(300 * 1024)).toBe('300 KiB')
    expect(formatBytes(1024 ** 3)).toBe('1 GiB')
    expect(formatBytes(5.25 * 1024 ** 2)).toBe('5.3 MiB')
  })
  it('refuses nonsense rather than printing NaN', () => {
    expect(formatBytes(-1)).toBe('—')
    expect(formatBytes(Number.NaN)).toBe('—')
  })
})

describe('quotaWords', () => {
  it('says what is needed, what is left and of how much', () => {
    expect(quotaWords({ needs: 300 * 1024, left: 200 * 1024, quota: 1024 ** 3 })).toBe(
      'needs 300 KiB; 200 KiB left of 1 GiB',
    )
    expect(quotaWords({ moreThan: 200 * 1024, left: 200 * 1024, quota: 1024 ** 3 })).toBe(
      'needs more than 200 KiB; 200 KiB left of 1 GiB',
    )
  })
})
