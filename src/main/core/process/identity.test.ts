import { describe, expect, it } from 'vitest'
import { silentLogger } from '../log.js'
import { identify, matchProcess, parseIdentity, formatIdentity, type IdentityReaders } from './identity.js'
import { killOrphan, type OrphanCheck } from './supervisor.js'
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const stand = (platform: NodeJS.Platform, files: Record<string, string>, out = ''): IdentityReaders => ({
  platform,
  readFile: (p) => {
    if (!(p in files)) throw new Error('ENOENT')
    return files[p]!
  },
  readLink: (p) => {
    if (!(p in files)) throw new Error('ENOENT')
    return files[p]!
  },
  // ps and PowerShell print nothing for a pid that is gone (ps exits 1).
  run: async () => ({ code: out ? 0 : 1, stdout: out }),
})

describe('process identity', () => {
  it('linux: start time is field 22 of /proc/<pid>/stat, read past a command with spaces and parens', async () => {
    const fields = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 4)), '987654', '0']
    const r = stand('linux', { '/proc/42/stat': `42 (we(ird) name) ${fields.join(' ')}`, '/proc/42/exe': '/opt/ipfs' })
    expect(await identify(42, r)).toEqual({ pid: 42, start: '987654', exe: '/opt/ipfs' })
    expect(await matchProcess({ pid: 42, start: '987654', exe: '/opt/ipfs' }, r)).toBe('same')
    expect(await matchProcess({ pid: 42, start: '111', exe: '/opt/ipfs' }, r)).toBe('other')
    expect(await matchProcess({ pid: 42, start: '987654', exe: '/usr/bin/sleep' }, r)).toBe('other')
    expect(await identify(43, r)).toBeUndefined()
  })

  it('linux: a zombie is no process', async () => {
    const r = stand('linux', { '/proc/7/stat': `7 (x) Z ${'1 '.repeat(25)}` })
    expect(await identify(7, r)).toBeUndefined()
  })

  it('macOS: ps lstart and comm', async () => {
    const r = stand('darwin', {}, 'Thu Nov 26 13:02:05 2026     /Applications/Tack.app/Contents/Resources/bin/ipfs\n')
    const id = await identify(9, r)
    expect(id).toEqual({
      pid: 9,
      start: 'Thu Nov 26 13:02:05 2026',
      exe: '/Applications/Tack.app/Contents/Resources/bin/ipfs',
    })
    expect(await matchProcess(id!, r)).toBe('same')
    expect(await matchProcess({ ...id!, start: 'Wed Nov 25 10:00:00 2026' }, r)).toBe('other')
    expect(await matchProcess(id!, stand('darwin', {}))).toBe('other') // gone
  })

  it('windows: PowerShell start time and path, paths compared without case', async () => {
    const r = stand('win32', {}, '5\t2026-11-26T13:02:05.1234567Z\tC:\\Program Files\\Tack\\ipfs.exe\r\n')
    expect(await identify(5, r)).toEqual({
      pid: 5,
      start: '2026-11-26T13:02:05.1234567Z',
      exe: 'C:\\Program Files\\Tack\\ipfs.exe',
    })
    expect(
      await matchProcess({ pid: 5, start: '2026-11-26T13:02:05.1234567Z', exe: 'c:\\program files\\tack\\IPFS.EXE' }, r),
    ).toBe('same')
    expect(
      await matchProcess({ pid: 5, start: '2026-11-20T00:00:00.0000000Z', exe: 'C:\\Program Files\\Tack\\ipfs.exe' }, r),
    ).toBe('other')
  })

  it('round-trips through a pid file line; junk is no identity', () => {
    const id = { pid: 3, start: '1 2', exe: '/a b/c' }
    expect(parseIdentity(formatIdentity(id))).toEqual(id)
    expect(parseIdentity('/usr/bin/ipfs')).toBeUndefined()
    expect(parseIdentity('{"pid":"x"}')).toBeUndefined()
  })
})

describe('killOrphan', () => {
  const pidFile = (text: string) => {
    const f = join(mkdtempSync(join(tmpdir(), 'tack-orphan-')), 'x.pid')
    writeFileSync(f, text)
    return f
  }
  const check = (ours: boolean, killed: number[]): OrphanCheck => ({
    isAlive: (pid) => !killed.includes(pid),
    isOurs: async () => ours,
    kill: (pid) => void killed.push(pid),
  })

  it('kills the recorded child and removes the file', async () => {
    const killed: number[] = []
    const f = pidFile('77\n/bin/ipfs\n{"pid":77,"start":"5","exe":"/bin/ipfs"}\n')
    expect(await killOrphan(f, silentLogger, check(true, killed))).toBe(true)
    expect(killed).toEqual([77])
    expect(existsSync(f)).toBe(false)
  })

  it('leaves a process that reused the pid alone, and still clears the stale file', async () => {
    const killed: number[] = []
    const f = pidFile('77\n/bin/ipfs\n{"pid":77,"start":"5","exe":"/bin/ipfs"}\n')
    expect(await killOrphan(f, silentLogger, check(false, killed))).toBe(false)
    expect(killed).toEqual([])
    expect(existsSync(f)).toBe(false)
  })
})
