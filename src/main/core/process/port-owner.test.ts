import { describe, expect, it } from 'vitest'
import { commandLine, portOwner, type ProcFs } from './port-owner.js'

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'
const row = (port: number, state: string, inode: string) =>
  `   0: 0100007F:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0`

const fake = (
  files: Record<string, string>,
  dirs: Record<string, string[]>,
  links: Record<string, string>,
): ProcFs => ({
  readFile: (p) =>
    files[p] ??
    (() => {
      throw new Error('ENOENT')
    })(),
  readDir: (p) =>
    dirs[p] ??
    (() => {
      throw new Error('ENOENT')
    })(),
  readLink: (p) =>
    links[p] ??
    (() => {
      throw new Error('ENOENT')
    })(),
})

describe('portOwner', () => {
  const fs = fake(
    {
      '/proc/net/tcp': [HEADER, row(9123, '01', '111'), row(9124, '0A', '222')].join('\n'),
      '/proc/77/cmdline': 'minio\0server\0/data/tack/minio\0',
    },
    { '/proc': ['1', '77', 'self'], '/proc/1/fd': ['0'], '/proc/77/fd': ['3', '4'] },
    { '/proc/1/fd/0': '/dev/null', '/proc/77/fd/3': 'socket:[999]', '/proc/77/fd/4': 'socket:[222]' },
  )
  it('finds the process that listens on the port (and not one merely connected from it)', () => {
    expect(portOwner(9124, fs)).toBe(77)
    expect(portOwner(9123, fs)).toBeUndefined()
    expect(portOwner(1, fs)).toBeUndefined()
    expect(commandLine(77, fs)).toBe('minio server /data/tack/minio')
  })
  it('knows nothing where there is no /proc', () => {
    expect(portOwner(9124, fake({}, {}, {}))).toBeUndefined()
  })
})
