import { describe, expect, it } from 'vitest'
import { multiaddrProblem } from './origins.js'

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
