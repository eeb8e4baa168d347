// electron-builder's hooks, without electron-builder (its Electron download is not reachable everywhere):
// beforePack refuses a target whose Kubo, MinIO, tack-launcher or native module is missing or built for another machine,
// checked on real executables; afterSign's plan for macOS signing and notarization, branch by branch.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)
const { checkTarget } = require('../build/before-pack.cjs') as {
  checkTarget(root: string, platform: string, arch: string): string[]
}
const { planMacSigning } = require('../build/after-sign.cjs') as {
  planMacSigning(init: { platform: string; arch: string; signed: boolean; env: Record<string, string> }): {
    adHoc: boolean
    notarize: boolean
    message: string
  }
}

const repo = join(import.meta.dirname, '..')
const hostBin = join(repo, 'resources', 'bin', `${process.platform}-${process.arch}`)
const root = mkdtempSync(join(tmpdir(), 'tack-pack-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
mkdirSync(join(root, 'node_modules', 'electron'), { recursive: true })
writeFileSync(join(root, 'node_modules', 'electron', 'abi_version'), '150')

const place = (target: string, name: string, from: string) => {
  mkdirSync(join(root, 'resources', 'bin', target), { recursive: true })
  symlinkSync(from, join(root, 'resources', 'bin', target, name))
}

describe('beforePack', () => {
  const host = `${process.platform}-${process.arch}`
  const exe = process.platform === 'win32' ? '.exe' : ''

  it('fails a target with nothing built, naming the commands that build it', () => {
    const problems = checkTarget(root, 'darwin', 'arm64').join('\n')
    expect(problems).toMatch(/darwin-arm64\/ipfs: missing/)
    expect(problems).toMatch(/darwin-arm64\/minio: missing/)
    expect(problems).toMatch(/darwin-arm64\/tack-launcher: missing/)
    expect(problems).toContain('scripts/build-binaries.sh --target darwin-arm64 kubo minio launcher')
    expect(problems).toContain('scripts/build-native-electron.mjs --target darwin-arm64')
  })

  it('passes the host target once its binaries and native module are there', () => {
    place(host, 'ipfs' + exe, join(hostBin, 'ipfs' + exe))
    place(host, 'minio' + exe, join(hostBin, 'minio' + exe))
    // Without the launcher a crash or force-quit of the app would leave Kubo and MinIO running.
    const noLauncher = checkTarget(root, process.platform, process.arch).join('\n')
    expect(noLauncher).toContain(`${host}/tack-launcher${exe}: missing`)
    expect(noLauncher).toContain(`scripts/build-binaries.sh --target ${host} kubo minio launcher`)
    place(host, 'tack-launcher' + exe, join(hostBin, 'tack-launcher' + exe))
    const problems = checkTarget(root, process.platform, process.arch).join('\n')
    expect(problems).not.toMatch(/tack-launcher/)
    expect(problems).toMatch(/better_sqlite3\.node: missing/)
    const native = join(root, 'build', 'native', 'electron-150', host)
    mkdirSync(native, { recursive: true })
    // Any executable of the host's format stands in for the module: the header is what is checked here.
    symlinkSync(join(hostBin, 'minio' + exe), join(native, 'better_sqlite3.node'))
    expect(checkTarget(root, process.platform, process.arch)).toEqual([])
  })

  it("refuses another machine's binaries in a target's folder", () => {
    const other = process.arch === 'arm64' ? 'x64' : 'arm64'
    place(`${process.platform}-${other}`, 'ipfs' + exe, join(hostBin, 'ipfs' + exe))
    expect(checkTarget(root, process.platform, other).join('\n')).toContain(
      `built for ${process.platform}-${process.arch}, wanted ${process.platform}-${other}`,
    )
  })
})

describe('afterSign (macOS)', () => {
  const appleId = { APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'pw', APPLE_TEAM_ID: 'T' }

  it('ad-hoc signs an unsigned arm64 build and says notarization is skipped', () => {
    const plan = planMacSigning({ platform: 'darwin', arch: 'arm64', signed: false, env: appleId })
    expect(plan).toMatchObject({ adHoc: true, notarize: false })
    expect(plan.message).toMatch(/notarization skipped: the app is not signed/)
    expect(planMacSigning({ platform: 'darwin', arch: 'x64', signed: false, env: {} }).adHoc).toBe(false)
  })

  it('notarizes a signed build only with a full set of credentials', () => {
    const none = planMacSigning({ platform: 'darwin', arch: 'arm64', signed: true, env: { APPLE_ID: 'a@b.c' } })
    expect(none).toMatchObject({ adHoc: false, notarize: false })
    expect(none.message).toMatch(/no credentials \(set APPLE_API_KEY/)
    expect(planMacSigning({ platform: 'darwin', arch: 'arm64', signed: true, env: appleId })).toMatchObject({
      notarize: true,
      message: 'notarizing with APPLE_ID',
    })
  })

  it('does nothing off macOS', () => {
    expect(planMacSigning({ platform: 'win32', arch: 'x64', signed: false, env: appleId })).toMatchObject({
      adHoc: false,
      notarize: false,
    })
  })
})
