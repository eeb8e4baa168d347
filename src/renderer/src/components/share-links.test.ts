// The Share dialog's decisions: the template's link, which links may become a QR code, and what is said when
// a public gateway cannot fetch the content.
import { describe, expect, it } from 'vitest'
import { gatewayHost, notReachableWhy, opensElsewhere, publicGatewayUrl, revokeWords } from './share-links'

const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

describe('share links', () => {
  it('fills the template, the default being subdomain style on dweb.link', () => {
    expect(publicGatewayUrl(undefined, CID)).toBe(`https://${CID}.ipfs.dweb.link`)
    expect(publicGatewayUrl('https://ipfs.io/ipfs/{cid}', CID)).toBe(`https://ipfs.io/ipfs/${CID}`)
    expect(gatewayHost(`https://${CID}.ipfs.dweb.link`)).toBe('ipfs.dweb.link')
    expect(gatewayHost(`https://ipfs.io/ipfs/${CID}`)).toBe('ipfs.io')
  })

  it('only a link that leaves this computer may become a QR code', () => {
    for (const url of [
      'http://127.0.0.1:7575/api/links/x',
      'http://localhost:7575/x',
      'http://[::1]:7575/x',
      'file:///x',
    ])
      expect(opensElsewhere(url), url).toBe(false)
    for (const url of ['http://192.168.1.20:7576/api/gateway/x', `https://${CID}.ipfs.dweb.link`])
      expect(opensElsewhere(url), url).toBe(true)
  })

  it('says why a public gateway cannot fetch it: private, local network, not pinned', () => {
    expect(notReachableWhy({ state: 'pinned', private: false }, 'public')).toBeUndefined()
    expect(notReachableWhy({ state: 'pinned', private: false }, undefined)).toBeUndefined()
    expect(notReachableWhy({ state: 'pinned', private: true }, 'public')).toMatch(/private/)
    expect(notReachableWhy({ state: 'pinned', private: false }, 'local')).toMatch(/local-only/)
    expect(notReachableWhy({ state: 'stored', private: false }, 'public')).toMatch(/not on IPFS/)
    expect(notReachableWhy({ state: 'pinning', private: false }, 'public')).toMatch(/being put on IPFS/)
    expect(notReachableWhy({ state: 'failed', private: false }, 'public')).toMatch(/failed/)
  })

  it('says how many links a revoke breaks', () => {
    expect(revokeWords(0)).toMatch(/^No link to this file is open now/)
    expect(revokeWords(1)).toMatch(/^1 signed link to this file will stop working/)
    expect(revokeWords(3)).toMatch(/^3 signed links to this file will stop working/)
  })
})
