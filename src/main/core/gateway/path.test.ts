import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { sha512 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { CoreError } from '../errors.js'
import { checkSegment, etagFor, ipfsUrl, parseGatewayPath, percentDecode } from './path.js'

const ROOT = 'bafkqaaa'
const FOLDER = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi'

const reason = (fn: () => unknown) => {
  try {
    fn()
  } catch (err) {
    return err instanceof CoreError ? err.code : String(err)
  }
  return 'ok'
}

describe('parseGatewayPath', () => {
  it('keeps clean segments and normalises the CID to v1', () => {
    expect(parseGatewayPath(ROOT, '')).toMatchObject({ cid: ROOT, segments: [] })
    expect(parseGatewayPath(FOLDER, 'img/deep/c.txt').segments).toEqual(['img', 'deep', 'c.txt'])
    expect(parseGatewayPath('QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR', '').cid).toMatch(/^bafy/)
    // Names that only look odd are names: dots inside, a percent sign, spaces, Unicode.
    for (const name of ['...', '.hidden', 'a..b', '100%.txt', '50%2', 'a b', 'été.txt', '%', '%zz', 'x%2fy'])
      expect(parseGatewayPath(FOLDER, `dir/${name}`).segments).toEqual(['dir', name])
  })

  it('takes CIDs of any length (sha2-512)', async () => {
    const long = CID.createV1(0x55, await sha512.digest(new TextEncoder().encode('long'))).toString()
    expect(long.length).toBeGreaterThan(100)
    expect(parseGatewayPath(long, 'a').cid).toBe(long)
  })

  it.each([
    '..',
    '.',
    '../x',
    'x/..',
    'x/./y',
    '%2e%2e', // the router already decoded once: this arrived as %252e%252e
    '%2E%2e/x',
    '.%2e',
    '%2e.',
    '%2e',
    '%252e%252e',
    '%25252e%25252e',
    '..%2fx',
    '%2e%2e%2fx',
    'x%2f..%2fy',
    'x%2f%2e%2e',
    'a\\b',
    '..\\x',
    '%5c',
    '%255c',
    'a\u0000b',
    '%00',
    '%2500',
    'a\nb',
    '%0d%0a',
    'a//b',
    '/x',
    'x/',
  ])('refuses %j with 400', (path) => {
    expect(reason(() => parseGatewayPath(ROOT, path))).toBe('BAD_REQUEST')
  })

  it('refuses hostile CID parameters with 400 and unknown ones with 404', () => {
    for (const cid of ['..', '%2e%2e', `${ROOT}/../x`, `${ROOT}%2f..`, 'a\\b', 'a\u0000'])
      expect(reason(() => parseGatewayPath(cid, ''))).toBe('BAD_REQUEST')
    expect(reason(() => parseGatewayPath('not-a-cid', ''))).toBe('NOT_FOUND')
  })

  it('refuses a segment encoded inside itself beyond reason', () => {
    expect(reason(() => checkSegment('%' + '25'.repeat(20) + '41', 'path'))).toBe('BAD_REQUEST')
  })
})

describe('percentDecode', () => {
  it('decodes bytes as UTF-8 and leaves stray percent signs alone', () => {
    expect(percentDecode('%2e%2E')).toBe('..')
    expect(percentDecode('100%.txt')).toBe('100%.txt')
    expect(percentDecode('%c3%a9')).toBe('é')
    // An overlong encoding of "." is not a dot (as in Go, it is two invalid bytes).
    expect(percentDecode('%c0%ae')).not.toContain('.')
  })
})

describe('ipfsUrl', () => {
  it('builds /ipfs/<cid>/<segments> on the base, query set through URLSearchParams', () => {
    const url = ipfsUrl('http://127.0.0.1:9/', { cid: ROOT, segments: ['a b', 'c?d#e', '%2e'] }, { format: 'car' })
    expect(url.href).toBe(`http://127.0.0.1:9/ipfs/${ROOT}/a%20b/c%3Fd%23e/%252e?format=car`)
    expect(ipfsUrl('https://gw.example/', { cid: ROOT, segments: [] }).href).toBe(`https://gw.example/ipfs/${ROOT}`)
  })

  it('throws rather than leave the CID, whatever the segments', () => {
    expect(reason(() => ipfsUrl('http://127.0.0.1:9', { cid: ROOT, segments: ['..', 'x'] }))).toBe('BAD_REQUEST')
  })
})

// Property tests: whatever text arrives, either it is refused, or the URL to Kubo stays under the CID and
// no segment is a dot segment at any depth of decoding.
const piece = fc.constantFrom(
  '.',
  '..',
  '%2e',
  '%2E',
  '%25',
  '%2f',
  '%2F',
  '%5c',
  '%00',
  '/',
  '\\',
  'a',
  'é',
  '%',
  '2e',
  'x.y',
  '%c0%ae',
)
const pathText = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''))

describe('properties', () => {
  it('never yields a path that leaves /ipfs/<cid>', () => {
    fc.assert(
      fc.property(pathText, (text) => {
        let parsed
        try {
          parsed = parseGatewayPath(ROOT, text)
        } catch (err) {
          expect(err).toBeInstanceOf(CoreError)
          expect((err as CoreError).code).toBe('BAD_REQUEST')
          return
        }
        const url = ipfsUrl('http://127.0.0.1:9', parsed)
        expect(url.pathname.startsWith(`/ipfs/${ROOT}`)).toBe(true)
        // Kubo decodes once more and cleans the path: it must still be under the CID.
        const seen = decodeURIComponent(url.pathname).split('/')
        expect(seen.slice(0, 3)).toEqual(['', 'ipfs', ROOT])
        for (const seg of parsed.segments) {
          let stage = seg
          for (let i = 0; i < 10; i++) {
            expect(stage.split(/[/\\]/)).not.toContain('..')
            stage = percentDecode(stage)
          }
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('accepts every path of plain names, unchanged', () => {
    // eslint-disable-next-line no-control-regex -- control characters are what the filter keeps out
    const plain = /^[^/\\%\u0000-\u001f\u007f]+$/
    const name = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => plain.test(s) && s !== '.' && s !== '..')
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 5 }), (names) => {
        expect(parseGatewayPath(FOLDER, names.join('/')).segments).toEqual(names)
      }),
    )
  })

  it('gives different ETags to different paths and formats', () => {
    const name = fc.string({ minLength: 1, maxLength: 8 })
    fc.assert(
      fc.property(
        fc.array(name, { maxLength: 3 }),
        fc.array(name, { maxLength: 3 }),
        fc.constantFrom(undefined, 'raw', 'car'),
        fc.constantFrom(undefined, 'raw', 'car'),
        (a, b, fa, fb) => {
          fc.pre(a.join('\u0001') !== b.join('\u0001') || fa !== fb)
          fc.pre(a.every((s) => s.length) && b.every((s) => s.length))
          expect(etagFor(ROOT, a, fa)).not.toBe(etagFor(ROOT, b, fb))
          expect(etagFor(ROOT, a, fa)).toMatch(/^"[\x21\x23-\x7e]+"$/)
        },
      ),
    )
  })
})
