import { describe, expect, it } from 'vitest'
import { parseQuota, quotaText, quotaWarning } from './quota'

describe('parseQuota', () => {
  it('turns a number and a unit into bytes, empty into no limit', () => {
    expect(parseQuota('1', 'GiB')).toEqual({ ok: true, bytes: 1024 ** 3 })
    expect(parseQuota(' 300 ', 'MiB')).toEqual({ ok: true, bytes: 300 * 1024 ** 2 })
    expect(parseQuota('0.5', 'GiB')).toEqual({ ok: true, bytes: 512 * 1024 ** 2 })
    expect(parseQuota('0,5', 'GiB')).toEqual({ ok: true, bytes: 512 * 1024 ** 2 })
    expect(parseQuota('', 'GiB')).toEqual({ ok: true, bytes: null })
    expect(parseQuota('0', 'MiB')).toEqual({ ok: true, bytes: 0 })
  })
  it('refuses what is not a quota instead of meaning "no limit"', () => {
    for (const bad of ['abc', '-5', '1e3', '5 GB', 'Infinity', '.5']) expect(parseQuota(bad, 'GiB').ok, bad).toBe(false)
    expect(parseQuota('99999999999999', 'GiB')).toEqual({ ok: false, error: 'That quota is too large.' })
  })
})

describe('quotaText', () => {
  it('shows a quota in the unit that reads best', () => {
    expect(quotaText(null)).toEqual({ text: '', unit: 'GiB' })
    expect(quotaText(1024 ** 3)).toEqual({ text: '1', unit: 'GiB' })
    expect(quotaText(300 * 1024 ** 2)).toEqual({ text: '300', unit: 'MiB' })
    expect(quotaText(1.5 * 1024 ** 3)).toEqual({ text: '1.5', unit: 'GiB' })
  })
})

describe('quotaWarning', () => {
  it('says in words what a quota of 0 does, and nothing about other quotas', () => {
    expect(quotaWarning(0)).toMatch(/store nothing/)
    expect(quotaWarning(1)).toBeUndefined()
    expect(quotaWarning(null)).toBeUndefined()
  })
})
