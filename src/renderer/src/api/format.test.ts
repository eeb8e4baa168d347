import { describe, expect, it } from 'vitest'
import { formatAgo, formatBytes, formatDuration, formatLocal, localTimes, shortCid, splitTimes } from './format'

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

  it('shows times local, relative with the absolute beside it, and finds the ISO times in a server text', () => {
    const iso = '2026-12-07T23:05:21.752Z'
    // The local date and time of this process's zone, never the UTC text.
    expect(formatLocal(iso, 'en-US')).toBe(new Date(Date.parse(iso)).toLocaleString('en-US'))
    expect(formatLocal(iso)).not.toContain('T23:05')
    expect(formatLocal('not a time')).toBe('—')
    const now = Date.parse(iso)
    expect(formatAgo(new Date(now - 5 * 60_000).toISOString(), now)).toMatch(/5 minutes ago/)
    expect(formatAgo(new Date(now + 3 * 3600_000).toISOString(), now)).toMatch(/in 3 hours/)
    const text = `no provider found in 1 s; parked until ${iso} (attempt 2), then searching again until 2026-12-08T00:00:00Z`
    expect(splitTimes(text)).toEqual([
      'no provider found in 1 s; parked until ',
      { iso },
      ' (attempt 2), then searching again until ',
      { iso: '2026-12-08T00:00:00Z' },
    ])
    expect(splitTimes('no times')).toEqual(['no times'])
    expect(splitTimes('')).toEqual([])
    expect(localTimes(text, (t) => `<${t}>`)).toBe(
      `no provider found in 1 s; parked until <${iso}> (attempt 2), then searching again until <2026-12-08T00:00:00Z>`,
    )
    expect(localTimes(text)).not.toMatch(/\d{4}-\d\d-\d\dT/)
  })
})
