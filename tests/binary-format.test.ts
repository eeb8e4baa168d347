// The header checker the packaging hook relies on (scripts/binary-format.cjs), proved on real executables:
// a tiny Go program cross-compiled for every target Tack ships (ELF, Mach-O and PE, x64 and arm64), the
// host's bundled Kubo and MinIO, and any cross-built ones present in resources/bin/<platform>-<arch>/.
// Cross builds of Kubo itself take minutes each, so they are not made here (scripts/build-binaries.sh
// --target ... makes them by hand or in a release job); this file checks them when they exist.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

interface Format {
  format: 'elf' | 'macho' | 'pe'
  platform: string
  arch: string
  archs?: string[]
}
const { parseHeader, readBinaryFormat, mismatch } = createRequire(import.meta.url)('../scripts/binary-format.cjs') as {
  parseHeader(buf: Buffer): Format | undefined
  readBinaryFormat(file: string): Format | undefined
  mismatch(file: string, platform: string, arch: string): string | undefined
}

const root = join(import.meta.dirname, '..')
const TARGETS = [
  { platform: 'linux', arch: 'x64', goos: 'linux', goarch: 'amd64', format: 'elf' },
  { platform: 'linux', arch: 'arm64', goos: 'linux', goarch: 'arm64', format: 'elf' },
  { platform: 'darwin', arch: 'x64', goos: 'darwin', goarch: 'amd64', format: 'macho' },
  { platform: 'darwin', arch: 'arm64', goos: 'darwin', goarch: 'arm64', format: 'macho' },
  { platform: 'win32', arch: 'x64', goos: 'windows', goarch: 'amd64', format: 'pe' },
] as const

const work = mkdtempSync(join(tmpdir(), 'tack-binfmt-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('executable headers', () => {
  it('names the format and CPU of a Go program cross-compiled for each target', () => {
    writeFileSync(join(work, 'go.mod'), 'module example.com/hello\n\ngo 1.22\n')
    writeFileSync(join(work, 'main.go'), 'package main\n\nfunc main() {}\n')
    for (const t of TARGETS) {
      const out = join(work, `hello-${t.platform}-${t.arch}`)
      execFileSync('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', out, '.'], {
        cwd: work,
        env: {
          ...process.env,
          GOOS: t.goos,
          GOARCH: t.goarch,
          CGO_ENABLED: '0',
          GOTOOLCHAIN: 'local',
          GOFLAGS: '-buildvcs=false',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      expect(readBinaryFormat(out), `${t.platform}-${t.arch}`).toEqual({
        format: t.format,
        platform: t.platform,
        arch: t.arch,
      })
      expect(mismatch(out, t.platform, t.arch)).toBeUndefined()
      // Every other target is refused, with what the file really is.
      for (const other of TARGETS.filter((o) => o !== t))
        expect(mismatch(out, other.platform, other.arch)).toContain(`built for ${t.platform}-${t.arch}`)
    }
  }, 300_000)

  it('refuses what is not an executable, and a missing file', () => {
    expect(parseHeader(Buffer.from('#!/bin/sh\necho hi\n'))).toBeUndefined()
    expect(parseHeader(Buffer.alloc(0))).toBeUndefined()
    // "MZ" without a PE header (a DOS stub alone) is not a Windows program.
    expect(parseHeader(Buffer.concat([Buffer.from('MZ'), Buffer.alloc(0x60)]))).toBeUndefined()
    const script = join(work, 'not-a-binary')
    writeFileSync(script, '#!/bin/sh\n')
    expect(mismatch(script, 'linux', 'x64')).toMatch(/not an executable/)
    expect(mismatch(join(work, 'nope'), 'linux', 'x64')).toMatch(/missing/)
  })

  it('reads the slices of a universal Mach-O', () => {
    const fat = Buffer.alloc(48)
    fat.writeUInt32BE(0xcafebabe, 0)
    fat.writeUInt32BE(2, 4)
    fat.writeUInt32BE(0x01000007, 8)
    fat.writeUInt32BE(0x0100000c, 28)
    expect(parseHeader(fat)).toEqual({
      format: 'macho',
      platform: 'darwin',
      arch: 'universal',
      archs: ['x64', 'arm64'],
    })
  })

  it('finds the bundled binaries built for the folder they sit in', () => {
    const host = `${process.platform}-${process.arch}`
    const exe = process.platform === 'win32' ? '.exe' : ''
    for (const name of ['ipfs', 'minio'])
      expect(mismatch(join(root, 'resources', 'bin', host, name + exe), process.platform, process.arch)).toBeUndefined()
    // Cross-built targets, when someone made them (scripts/build-binaries.sh --target ...).
    const binRoot = join(root, 'resources', 'bin')
    for (const folder of existsSync(binRoot) ? readdirSync(binRoot) : []) {
      const [platform, arch] = folder.split('-') as [string, string]
      for (const file of readdirSync(join(binRoot, folder)).filter((f) => !f.endsWith('.tmp')))
        expect(mismatch(join(binRoot, folder, file), platform, arch)).toBeUndefined()
    }
  })
})
