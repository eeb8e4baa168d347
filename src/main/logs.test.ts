import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openLogFile } from './logs.js'

describe('log file', () => {
  const dirs: string[] = []
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tack-logs-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  it('appends lines', () => {
    const dir = tempDir()
    const log = openLogFile(dir)
    log.write('one')
    log.write('two\n')
    log.close()
    expect(readFileSync(join(dir, 'tack.log'), 'utf8')).toBe('one\ntwo\n')
  })

  it('rotates past the cap, keeping one old file', () => {
    const dir = tempDir()
    const log = openLogFile(dir, 100)
    for (let i = 0; i < 30; i++) log.write(`line ${i} ${'x'.repeat(10)}`)
    log.close()
    const current = readFileSync(join(dir, 'tack.log'), 'utf8')
    const old = readFileSync(join(dir, 'tack.1.log'), 'utf8')
    expect(current.length).toBeLessThanOrEqual(100)
    expect(old.length).toBeLessThanOrEqual(100)
    expect(current).toContain('line 29')
    expect(existsSync(join(dir, 'tack.2.log'))).toBe(false)
  })

  it('continues an existing file across restarts, counting its size', () => {
    const dir = tempDir()
    const first = openLogFile(dir, 50)
    first.write('a'.repeat(40))
    first.close()
    const second = openLogFile(dir, 50)
    second.write('b'.repeat(20))
    second.close()
    expect(readFileSync(join(dir, 'tack.1.log'), 'utf8')).toBe('a'.repeat(40) + '\n')
    expect(readFileSync(join(dir, 'tack.log'), 'utf8')).toBe('b'.repeat(20) + '\n')
  })

  it('ignores writes after close', () => {
    const dir = tempDir()
    const log = openLogFile(dir)
    log.close()
    expect(() => log.write('late')).not.toThrow()
  })
})
