// tack-launcher builds for every OS Tack ships on (its platform branches cannot all run here), passes its Go
// tests, and on this machine it refuses to start a child whose parent is already gone.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from '../binaries.js'

const SRC = join(projectRoot(), 'tools', 'launcher')
const hasGo = spawnSync('go', ['version']).status === 0

describe.runIf(hasGo)('tack-launcher', () => {
  const out = mkdtempSync(join(tmpdir(), 'tack-launcher-'))
  const build = (goos: string, goarch: string) =>
    execFileSync('go', ['build', '-o', join(out, `l-${goos}-${goarch}`), '.'], {
      cwd: SRC,
      env: { ...process.env, GOOS: goos, GOARCH: goarch, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' },
      stdio: 'pipe',
    })

  for (const [goos, goarch] of [
    ['linux', 'amd64'],
    ['darwin', 'arm64'],
    ['windows', 'amd64'],
  ] as const)
    it(`builds and vets for ${goos}/${goarch}`, () => {
      execFileSync('go', ['vet', '.'], {
        cwd: SRC,
        env: { ...process.env, GOOS: goos, GOARCH: goarch, GOTOOLCHAIN: 'local' },
        stdio: 'pipe',
      })
      build(goos, goarch)
    }, 120_000)

  // Its own Go tests: the relay's IPC protocol with real sockets (relay_test.go) and CIDs against Kubo's
  // (unixfs_test.go).
  it('passes its Go tests', () => {
    execFileSync('go', ['test', '.'], {
      cwd: SRC,
      env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' },
      stdio: 'pipe',
    })
  }, 180_000)

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'refuses to run when the named parent is not its parent',
    () => {
      const bin = join(out, 'l-linux-amd64')
      const gone = spawnSync(bin, ['--parent', '1', '--', 'true'], { encoding: 'utf8' })
      expect(gone.status).toBe(1)
      expect(gone.stderr).toMatch(/parent 1 is gone/)
      const ok = spawnSync(bin, ['--parent', String(process.pid), '--', 'sh', '-c', 'echo ran'], { encoding: 'utf8' })
      expect(ok.stdout.trim()).toBe('ran')
      expect(spawnSync(bin, ['--', 'true']).status).toBe(2)
    },
    120_000,
  )
})
