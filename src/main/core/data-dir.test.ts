import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { spawnPrivately } from './data-dir.js'

const childUmask = () => execFileSync('sh', ['-c', 'umask'], { encoding: 'utf8' }).trim()

describe.skipIf(process.platform === 'win32')('spawnPrivately', () => {
  it('gives the child the private umask and leaves this process its own', () => {
    const before = childUmask()
    expect(spawnPrivately(childUmask)).toBe('0077')
    expect(childUmask()).toBe(before)
  })

  it('puts the umask back when the spawn throws', () => {
    const before = childUmask()
    expect(() =>
      spawnPrivately(() => {
        throw new Error('no such binary')
      }),
    ).toThrow('no such binary')
    expect(childUmask()).toBe(before)
  })
})
