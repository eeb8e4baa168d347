// electron-builder's hooks, without electron-builder (its Electron download is not reachable everywhere):
// beforePack refuses a target whose Kubo, MinIO, tack-launcher or native module is missing or built for another machine,
// checked on real executables; afterSign's plan for macOS signing and notarization, branch by branch.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
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

describe('the Node the desktop build needs (scripts/desktop-node.mjs)', () => {
  const electronRoot = (engines: string | undefined) => {
    const dir = mkdtempSync(join(tmpdir(), 'tack-engines-'))
    mkdirSync(join(dir, 'node_modules', 'electron'), { recursive: true })
    const pkg = { name: 'electron', version: '45.0.0', ...(engines ? { engines: { node: engines } } : {}) }
    writeFileSync(join(dir, 'node_modules', 'electron', 'package.json'), JSON.stringify(pkg))
    return dir
  }

  it("names Electron's declared Node when this one is older, and what still runs on it", async () => {
    const { desktopNodeProblem } = await import('../scripts/desktop-node.mjs')
    const dir = electronRoot('>= 22.12.0')
    try {
      const problem = desktopNodeProblem(dir, '20.19.0')
      expect(problem).toContain('needs Node >= 22.12.0')
      expect(problem).toContain('this is Node 20.19.0')
      expect(problem).toContain('`tack`, `npm start` and `npm test` run on Node >= 20.19')
      expect(desktopNodeProblem(dir, '22.11.9')).toContain('needs Node >= 22.12.0')
      expect(desktopNodeProblem(dir, '22.12.0')).toBeUndefined()
      expect(desktopNodeProblem(dir, '24.1.0')).toBeUndefined()
      expect(desktopNodeProblem(electronRoot(undefined), '18.0.0')).toBeUndefined()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("the installed Electron's requirement is read, and package.json's engines stays the runtime's", async () => {
    const { electronNodeRequirement } = await import('../scripts/desktop-node.mjs')
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      engines: { node: string }
      devDependencies: Record<string, string>
    }
    expect(electronNodeRequirement(repo)).toMatch(/^\d+\.\d+\.\d+$/)
    expect(pkg.engines.node).toBe('>=20.19')
    // The native build's compile step runs node-gyp from node_modules: it is declared, not borrowed.
    expect(pkg.devDependencies['node-gyp']).toBeDefined()
  })
})
