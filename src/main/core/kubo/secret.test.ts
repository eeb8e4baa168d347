import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { apiAuthorization, apiAuthorizations, ensureApiSecret } from './secret.js'

const dirs: string[] = []
const file = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tack-secret-'))
  dirs.push(dir)
  return join(dir, 'kubo-api-secret')
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('Kubo RPC secret', () => {
  it('is made once, 0600, and read back the same', () => {
    const f = file()
    const secret = ensureApiSecret(f)
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(statSync(f).mode & 0o777).toBe(0o600)
    expect(ensureApiSecret(f)).toBe(secret)
    expect(ensureApiSecret(file())).not.toBe(secret)
  })

  it('replaces a damaged file and tightens a loose mode', () => {
    const f = file()
    writeFileSync(f, 'short', { mode: 0o644 })
    const secret = ensureApiSecret(f)
    expect(secret).not.toBe('short')
    expect(readFileSync(f, 'utf8')).toBe(secret)
    expect(statSync(f).mode & 0o777).toBe(0o600)
  })

  it("matches Kubo's bearer: format", () => {
    expect(apiAuthorization('abc')).toBe('Bearer abc')
    expect(apiAuthorizations('abc')).toEqual({ tack: { AuthSecret: 'bearer:abc', AllowedPaths: ['/api/v0'] } })
  })
})
