import { describe, expect, it } from 'vitest'
import { isPublicOrigin, multiaddrProblem } from './origins.js'

const PEER = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'

describe('origin multiaddrs', () => {
  it.each([
    `/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`,
    `/ip4/1.2.3.4/udp/4001/quic-v1/p2p/${PEER}`,
    `/ip4/1.2.3.4/udp/4001/quic-v1/webtransport/certhash/uEiAkH5a4DPGKUuOBjYw0CgwjvcJCJMD2K_1aluKR_tpevQ/certhash/uEiCnwP1MWcHz1ziOvd7w5qSPVzFu84i1mNVU4iTfwMSnwQ/p2p/${PEER}`,
    `/ip6/::1/tcp/4001/p2p/${PEER}`,
    `/dns4/example.com/tcp/443/wss/p2p/${PEER}`,
    `/ip4/1.2.3.4/tcp/4001/p2p/${PEER}/p2p-circuit/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN`,
    '/dnsaddr/bootstrap.libp2p.io',
    `/p2p/${PEER}`,
  ])('accepts %s', (addr) => expect(multiaddrProblem(addr)).toBeUndefined())

  it.each([
    ['not-a-multiaddr', /starts with \//],
    ['/ip4/999.1.1.1/tcp/1', /not a valid \/ip4/],
    ['/ip4/1.2.3.4/tcp/70000', /not a valid \/tcp/],
    ['/ip4/1.2.3.4/tcp', /needs a value/],
    ['/bogus/1', /unknown protocol/],
    ['/ip4/1.2.3.4/tcp/1/p2p/notapeer', /not a valid \/p2p/],
    ['/', /no protocol/],
  ])('refuses %s', (addr, why) => expect(multiaddrProblem(addr)).toMatch(why))
})

describe('public origins (why their dials failed may be told)', () => {
  it.each([`/ip4/1.2.3.4/tcp/4001/p2p/${PEER}`, '/ip6/2606:4700::1/udp/4001/quic-v1', '/ip4/172.32.0.1/tcp/1'])(
    '%s is public',
    (addr) => expect(isPublicOrigin(addr, [])).toBe(true),
  )
  it("is not for this machine's own public address", () => {
    expect(isPublicOrigin('/ip4/1.2.3.4/tcp/5432', ['1.2.3.4'])).toBe(false)
    expect(isPublicOrigin('/ip4/1.2.3.5/tcp/5432', ['1.2.3.4'])).toBe(true)
  })
  it.each([
    '/ip4/127.0.0.1/tcp/22',
    '/ip4/10.0.0.5/tcp/22',
    '/ip4/172.16.3.4/tcp/22',
    '/ip4/192.168.1.1/tcp/80',
    '/ip4/169.254.169.254/tcp/80',
    '/ip4/100.64.0.1/tcp/80',
    '/ip4/0.0.0.0/tcp/80',
    '/ip6/::1/tcp/22',
    '/ip6/::ffff:10.0.0.5/tcp/22',
    '/ip6/fe80::1%eth0/tcp/22',
    '/ip6/fd00::1/tcp/22',
    '/ip4/198.18.0.1/tcp/22',
    '/ip4/240.0.0.1/tcp/22',
    '/ip4/255.255.255.255/tcp/22',
    '/ip6/64:ff9b::a00:5/tcp/22',
    '/ip6/2002:a00:5::1/tcp/22',
    '/dns4/intranet.example/tcp/22',
    '/unix/run/docker.sock',
    `/p2p/${PEER}`,
  ])('%s is not', (addr) => expect(isPublicOrigin(addr, [])).toBe(false))
})
