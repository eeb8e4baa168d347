import { describe, expect, it } from 'vitest'
import { createHostPolicy, splitHost } from './hosts.js'

const policy = createHostPolicy({ names: () => ['192.168.1.20', 'fe80::1', 'tack-box'], appOrigin: 'app://tack' })

describe('host policy', () => {
  it('answers the loopback names and the configured ones, with the listening port', () => {
    for (const host of [
      '127.0.0.1:7575',
      'localhost:7575',
      'LOCALHOST:7575',
      '[::1]:7575',
      '192.168.1.20:7575',
      '[FE80::1]:7575',
      'tack-box:7575',
    ])
      expect(policy.hostAllowed(host, 7575), host).toBe(true)
  })

  it('refuses foreign names, other ports, missing or malformed hosts', () => {
    for (const host of [
      'evil.example:7575',
      'localhost.evil.example:7575',
      '127.0.0.1.nip.io:7575',
      '127.0.0.1:7576',
      '127.0.0.1',
      'localhost.:7575',
      '127.0.0.1:7575@evil.example',
      '127.0.0.1:7575/x',
      '',
      ' localhost:7575',
      '[::1]:99999',
    ])
      expect(policy.hostAllowed(host, 7575), host).toBe(false)
    expect(policy.hostAllowed(undefined, 7575)).toBe(false)
  })

  it('a Host without a port is port 80', () => {
    expect(policy.hostAllowed('localhost', 80)).toBe(true)
    expect(policy.hostAllowed('localhost', 7575)).toBe(false)
  })

  it('checks only the name for in-process requests (no listening port)', () => {
    expect(policy.hostAllowed('localhost:80', undefined)).toBe(true)
    expect(policy.hostAllowed('evil.example:80', undefined)).toBe(false)
  })

  it('lets the desktop renderer and its own http origins change state, nobody else', () => {
    expect(policy.originAllowed('app://tack', 7575)).toBe(true)
    expect(policy.originAllowed('http://127.0.0.1:7575', 7575)).toBe(true)
    expect(policy.originAllowed('http://localhost:7575', 7575)).toBe(true)
    for (const origin of [
      'null',
      'http://evil.example:7575',
      'https://127.0.0.1:7575',
      'http://127.0.0.1:8080',
      'app://evil',
      'http://127.0.0.1:7575/',
    ])
      expect(policy.originAllowed(origin, 7575), origin).toBe(false)
  })

  it('splits host and port', () => {
    expect(splitHost('[::1]:8080')).toEqual({ name: '[::1]', port: 8080 })
    expect(splitHost('Example.COM')).toEqual({ name: 'example.com', port: undefined })
    expect(splitHost('a b')).toBeUndefined()
  })
})
