import { describe, expect, it } from 'vitest'
import { formatAgo, formatBytes, formatDuration, shortCid } from './format'

describe('format', () => {
  it('writes sizes, durations and CIDs the way people read them', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(3_100_000)).toBe('3 MiB')
    expect(formatBytes(1024 ** 3)).toBe('1 GiB')
    expect(formatBytes(null)).toBe('—')
    expect(formatDuration(0.2)).toBe('<1 s')
    expect(formatDuration(42)).toBe('42 s')
    expect(formatDuration(125)).toBe('2 min 5 s')
    expect(formatDuration(NaN)).toBe('—')
    expect(shortCid('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e')).toBe('bafkreifzj…f36n5e')
    expect(formatAgo(null)).toBe('never')
    expect(formatAgo(new Date(Date.now() - 10_000).toISOString())).toBe('just now')
  })
})
