// The packaging dry run in CI: electron-builder packs the linux-x64 unpacked tree with electron-builder.yml and
// its hooks, Electron stood in for (scripts/pack-check.mjs), and the tree is checked. Then each check is shown
// to catch what it is for, on a copy of that tree with one thing wrong.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkAsar, checkPackagedTree, nativeAbi, packCheck, readFuseWire } from '../scripts/pack-check.mjs'

const repo = join(import.meta.dirname, '..')
const require = createRequire(import.meta.url)
const asar = createRequire(require.resolve('app-builder-lib/package.json'))('@electron/asar') as {
  createPackage(src: string, dest: string): Promise<void>
}
const electronAbi = readFileSync(join(repo, 'node_modules', 'electron', 'abi_version'), 'utf8').trim()
const fuses = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
}

let run: ReturnType<typeof packCheck>
const scratch = mkdtempSync(join(tmpdir(), 'tack-pack-tamper-'))
beforeAll(() => {
  run = packCheck({ keep: true, log: () => {} })
}, 300_000)
afterAll(() => {
  if (run?.work) rmSync(run.work, { recursive: true, force: true })
  rmSync(scratch, { recursive: true, force: true })
})

/** A copy of the packaged tree, changed by `spoil`, and what the checks say of it. */
function checkSpoilt(
  name: string,
  spoil: (tree: string) => void,
  opts: Partial<Parameters<typeof checkPackagedTree>[1]> = {},
) {
  const tree = join(scratch, name)
  // Kubo and MinIO are 200 MB: the copy links to them (the checks follow links), copying the rest.
  const bin = join('resources', 'bin', 'linux-x64')
  cpSync(run.appOutDir, tree, { recursive: true, filter: (src) => !src.startsWith(join(run.appOutDir, bin, '')) })
  mkdirSync(join(tree, bin), { recursive: true })
  for (const name of ['ipfs', 'minio', 'tack-launcher'])
    symlinkSync(join(run.appOutDir, bin, name), join(tree, bin, name))
  spoil(tree)
  return checkPackagedTree(tree, { arch: 'x64', electronAbi, fuses, nativeState: 'absent', ...opts }).problems.join(
    '\n',
  )
}

describe('packaging dry run (linux-x64, stand-in Electron)', () => {
  it('packs with electron-builder.yml and finds the package right, saying what it could not check', () => {
    expect(run.problems).toEqual([])
    expect(run.notes.join('\n')).toMatch(/Electron is a stand-in/)
    // The native module is either Electron's build (checked by its ABI) or, offline, reported absent.
    const nativeNote = run.notes.some((n) =>
      n.includes(`better-sqlite3 for Electron's ABI ${electronAbi} is not in the package`),
    )
    if (!nativeNote)
      expect(nativeAbi(join(run.appOutDir, 'resources', 'native', 'better_sqlite3.node'))).toBe(Number(electronAbi))
    // The GUI is tack-desktop, with the fuses flipped as configured (read back from the stand-in's wire).
    expect(readFuseWire(join(run.appOutDir, 'tack-desktop'))).toBe('01001100')
  })

  it('refuses a package without the launcher, or with a binary that cannot run', () => {
    expect(
      checkSpoilt('no-launcher', (t) => rmSync(join(t, 'resources', 'bin', 'linux-x64', 'tack-launcher'))),
    ).toMatch(/tack-launcher: missing/)
    const notExecutable = (t: string) => {
      const minio = join(t, 'resources', 'bin', 'linux-x64', 'minio')
      rmSync(minio)
      // A right header (a linux-x64 ELF) without the executable bit.
      cpSync(join(run.appOutDir, 'resources', 'bin', 'linux-x64', 'tack-launcher'), minio)
      chmodSync(minio, 0o644)
    }
    expect(checkSpoilt('not-exec', notExecutable)).toMatch(/minio is not executable/)
  })

  it("refuses system Node's better-sqlite3 in place of Electron's", () => {
    const nodeBuild = join(repo, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
    const problems = checkSpoilt('node-abi', (t) => {
      mkdirSync(join(t, 'resources', 'native'), { recursive: true })
      cpSync(nodeBuild, join(t, 'resources', 'native', 'better_sqlite3.node'))
    })
    expect(problems).toContain(`built for Node ABI ${process.versions.modules}, not Electron's ${electronAbi}`)
    // Absent without the dry run's leave (a real build): a problem, not a note.
    expect(checkSpoilt('no-native', () => {}, { nativeState: undefined })).toMatch(/better_sqlite3\.node is missing/)
  })

  it('refuses fuses other than configured, and a GUI named like the CLI', () => {
    expect(checkSpoilt('fuses', () => {}, { fuses: { ...fuses, runAsNode: true } })).toContain(
      'fuse runAsNode is false, configured true',
    )
    const renamed = checkSpoilt('named-tack', (t) => cpSync(join(t, 'tack-desktop'), join(t, 'tack')))
    expect(renamed).toContain("an executable named `tack`, the CLI's name")
  })

  it('refuses dev files and a dependency that was not packed', async () => {
    const app = join(scratch, 'app')
    const put = (file: string, text: string) => {
      mkdirSync(join(app, file, '..'), { recursive: true })
      writeFileSync(join(app, file), text)
    }
    put('package.json', '{"name":"tack"}')
    put('out/main/index.js', '')
    put('out/main/index.js.map', '{}')
    put('src/main/core/index.ts', '')
    put('tools/launcher/main.go', '')
    put('node_modules/fastify/package.json', '{"name":"fastify","dependencies":{"avvio":"^9"}}')
    put('node_modules/zod/lib/base.test.js', '')
    put('node_modules/cborg/bench/bench.js', '')
    await asar.createPackage(app, join(scratch, 'app.asar'))
    const problems = checkAsar(join(scratch, 'app.asar')).join('\n')
    expect(problems).toContain('a source map: /out/main/index.js.map')
    expect(problems).toContain('TypeScript: /src/main/core/index.ts')
    expect(problems).toContain('Go sources: /tools/launcher/main.go')
    expect(problems).toContain('a test: /node_modules/zod/lib/base.test.js')
    expect(problems).toContain('tests or benchmarks: /node_modules/cborg/bench/bench.js')
    expect(problems).toContain('/src/main/core/index.ts, which is not part of the built app')
    expect(problems).toContain('app.asar lacks avvio, which fastify needs')
  })
})
