import { describe, expect, it } from 'vitest'
import { canonicalCid, cidV1, multihashOf, multihashOfCid, parseCid } from './index.js'

// The same content (the empty UnixFS folder) as CIDv0 and as CIDv1 in base32 and base36.
const V0 = 'QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn'
const V1 = 'bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354'
const V1_BASE36 = 'k2jmtxtlhjl3fhmgndf92e48by79ryjuvqp3y2qgehpao6v3lurvnmcv'

describe('cid helpers', () => {
  it('key every form of one CID by the same multihash', () => {
    const key = multihashOfCid(V0)
    expect(multihashOfCid(V1)).toBe(key)
    expect(parseCid(V1_BASE36).multihash).toBe(key)
    expect(multihashOf(V1)).toBe(key)
  })

  it('give the v1 form and the canonical form', () => {
    expect(cidV1(V0)).toBe(V1)
    expect(canonicalCid(V1_BASE36)).toBe(V1)
    expect(canonicalCid(V0)).toBe(V0)
  })

  it('refuse what is not a CID', () => {
    expect(() => multihashOfCid('nope')).toThrow()
    expect(() => parseCid('nope')).toThrow(/not a valid CID/)
    expect(multihashOf('nope')).toBeUndefined()
  })
})
