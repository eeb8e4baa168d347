import { describe, expect, it } from 'vitest'
import { isCoreError } from '../errors.js'
import { createUrlGuard, isLocalAddress, normalizeAddress, parseTargetUrl } from './url-guard.js'

const OWN = [7575, 7576, 41001, 41002, 41003, 42000]
const NAMES: Record<string, string[]> = {
  localhost: ['127.0.0.1', '::1'],
  'rebound.example': ['203.0.113.9', '127.0.0.1'],
  'lan-name.example': ['192.168.1.20'],
  'far.example': ['203.0.113.9'],
}
const guard = createUrlGuard({
  ownPorts: () => OWN,
  resolve: async (host) => {
    const found = NAMES[host]
    if (!found) throw new Error(`ENOTFOUND ${host}`)
    return found
  },
  localAddresses: () => ['127.0.0.1', '::1', '192.168.1.20', 'fe80::1%eth0'],
})

async function refusal(url: string): Promise<string> {
  try {
    await guard.check(url)
  } catch (err) {
    if (isCoreError(err) && err.code === 'BAD_REQUEST') return err.details
    throw err
  }
  throw new Error(`${url} was accepted`)
}

describe('parseTargetUrl', () => {
  it('accepts plain http(s) base URLs', () => {
    expect(parseTargetUrl('https://pins.example/api/pinning').host).toBe('pins.example')
    expect(parseTargetUrl('http://127.0.0.1:9094').port).toBe('9094')
  })

  it.each([
    ['ftp://files.example/', 'http'],
    ['file:///etc/passwd', 'http'],
    ['not a url', 'not a URL'],
    ['http://user:pw@host.example/', 'userinfo'],
    ['http://user@host.example/', 'userinfo'],
    ['http://@host.example/', 'userinfo'],
    ['http://host.example/api?x=1', 'query'],
    ['http://host.example/api?', 'query'],
    ['http://host.example/api#frag', 'fragment'],
    ['http://127.0.0.1:5001/api/v0/shutdown#', 'fragment'],
  ])('refuses %s', (url, words) => {
    expect(() => parseTargetUrl(url)).toThrow(words)
  })
})

describe('isLocalAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '0.0.0.0',
    '::1',
    '::',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '[::1]',
    '192.168.1.20',
    'fe80::1',
  ])('%s is this machine', (a) => expect(isLocalAddress(a, ['192.168.1.20', 'fe80::1%eth0'])).toBe(true))
  it.each(['203.0.113.9', '192.168.1.21', '2001:db8::1', '::ffff:203.0.113.9'])('%s is elsewhere', (a) =>
    expect(isLocalAddress(a, ['192.168.1.20'])).toBe(false),
  )
  it('maps IPv4-mapped IPv6 to IPv4', () => expect(normalizeAddress('::FFFF:7F00:0001')).toBe('127.0.0.1'))
})

describe('createUrlGuard', () => {
  it('refuses each own port on loopback, localhost, [::1], the unspecified address and a LAN address', async () => {
    for (const port of OWN)
      for (const host of [
        '127.0.0.1',
        'localhost',
        '[::1]',
        '0.0.0.0',
        '[::]',
        '192.168.1.20',
        'lan-name.example',
        '[::ffff:127.0.0.1]',
      ])
        expect(await refusal(`http://${host}:${port}/api/v0`)).toContain("Tack's own")
  })

  it('refuses the Kubo shutdown trick and spellings the URL parser turns into loopback', async () => {
    expect(await refusal('http://127.0.0.1:41001/api/v0/shutdown#')).toContain('fragment')
    expect(await refusal('http://2130706433:41001/')).toContain("Tack's own")
    expect(await refusal('http://0x7f.1:41001/')).toContain("Tack's own")
    expect(await refusal('http://127.1:41001/')).toContain("Tack's own")
  })

  it('refuses a name when any of its addresses is this machine, and a name that cannot be resolved', async () => {
    expect(await refusal('http://rebound.example:41001/')).toContain('127.0.0.1')
    expect(await refusal('http://nowhere.invalid:41001/')).toContain('cannot be resolved')
  })

  it('refuses the default ports when they are own ports', async () => {
    const strict = createUrlGuard({ ownPorts: () => [80, 443], resolve: async () => ['::1'], localAddresses: () => [] })
    await expect(strict.check('http://127.0.0.1/')).rejects.toThrow("Tack's own")
    await expect(strict.check('https://localhost/')).rejects.toThrow()
  })

  it('allows other ports on loopback and own port numbers on other machines', async () => {
    await expect(guard.check('http://127.0.0.1:9094')).resolves.toBeInstanceOf(URL)
    await expect(guard.check('http://localhost:7777/api/pinning')).resolves.toBeInstanceOf(URL)
    await expect(guard.check('http://[::1]:9097')).resolves.toBeInstanceOf(URL)
    await expect(guard.check('https://far.example:41001/api/pinning')).resolves.toBeInstanceOf(URL)
    await expect(guard.check('http://203.0.113.9:7575/')).resolves.toBeInstanceOf(URL)
  })

  it('uses the ports as they are at each check', async () => {
    let ports = [1111]
    const moving = createUrlGuard({ ownPorts: () => ports, localAddresses: () => [] })
    await expect(moving.check('http://127.0.0.1:2222/')).resolves.toBeInstanceOf(URL)
    ports = [2222]
    await expect(moving.check('http://127.0.0.1:2222/')).rejects.toThrow("Tack's own")
  })
})
