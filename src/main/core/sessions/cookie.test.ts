import { describe, expect, it } from 'vitest'
import { clearedSessionCookie, sessionCookie, sessionsFromCookie } from './cookie.js'

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Strict, for the whole origin, and never Secure (plain http on loopback)', () => {
    const c = sessionCookie('tss_abc')
    expect(c).toBe('tack_session=tss_abc; HttpOnly; SameSite=Strict; Path=/')
    expect(clearedSessionCookie()).toMatch(/^tack_session=; .*Max-Age=0$/)
  })

  it('finds every tack_session value and nothing else', () => {
    expect(sessionsFromCookie(undefined)).toEqual([])
    expect(sessionsFromCookie('a=1; b=2')).toEqual([])
    expect(sessionsFromCookie('a=1; tack_session=tss_x; tack_session_other=y')).toEqual(['tss_x'])
    expect(sessionsFromCookie('tack_session=bad;tack_session=tss_y; tack_session=')).toEqual(['bad', 'tss_y'])
  })
})
