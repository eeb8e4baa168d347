// Which gateway templates the settings accept: http(s) URLs with {cid}, nothing else.
import { describe, expect, it } from 'vitest'
import { DEFAULT_GATEWAY_TEMPLATE, publicUrl, templateProblem } from './gateway-template.js'

describe('gateway templates', () => {
  it('accepts subdomain and path styles, http or https', () => {
    for (const t of [
      DEFAULT_GATEWAY_TEMPLATE,
      'https://ipfs.io/ipfs/{cid}',
      'http://192.168.1.20:8080/ipfs/{cid}/',
      'https://{cid}.ipfs.w3s.link/?download=false',
    ])
      expect(templateProblem(t), t).toBeUndefined()
  })

  it('refuses a template without {cid}, a relative or non-http URL, credentials, or one too long', () => {
    expect(templateProblem('https://dweb.link/ipfs/')).toMatch(/\{cid\}/)
    expect(templateProblem('/ipfs/{cid}')).toMatch(/http/)
    expect(templateProblem('ftp://gw.example/{cid}')).toMatch(/http/)
    expect(templateProblem('javascript:alert({cid})')).toMatch(/http/)
    expect(templateProblem('ipfs://{cid}')).toMatch(/http/)
    expect(templateProblem('https://me:pw@gw.example/ipfs/{cid}')).toMatch(/password/)
    expect(templateProblem(`https://gw.example/${'a'.repeat(500)}/{cid}`)).toMatch(/500/)
  })

  it('puts the CID wherever {cid} stands', () => {
    expect(publicUrl(DEFAULT_GATEWAY_TEMPLATE, 'bafyabc')).toBe('https://bafyabc.ipfs.dweb.link')
    expect(publicUrl('https://gw.example/ipfs/{cid}?x={cid}', 'b1')).toBe('https://gw.example/ipfs/b1?x=b1')
  })
})
