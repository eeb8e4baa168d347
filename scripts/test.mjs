#!/usr/bin/env node
// `npm test`: everything CI runs (.ci/run is `npm install` then this), in order, with one summary line at the end:
// "N passed, N failed, N skipped", preceded by each skipped test with its reason and each failure. It first builds
// or finds what the tests need: Kubo, MinIO and IPFS Cluster (scripts/build-binaries.sh, cached, so quick when
// present) and Chromium and curl (scripts/ensure-debian-packages.sh, when root with apt). Each static check
// (typecheck, lint, build) and tack-launcher's `go vet` and `go test` count as one test each; vitest's tests
// count one each. What is green is decided by scripts/summary.mjs. Arguments go to vitest:
// `node scripts/test.mjs tests/harness` runs a subset.
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { DEFAULT_REPORT } from './vitest-reporter.mjs'
import { readReport, summarise } from './summary.mjs'

const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
const steps = []

function step(name, command, args, extraEnv = {}) {
  process.stdout.write(`\n== ${name}: ${command} ${args.join(' ')}\n`)
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...env, ...extraEnv } })
  steps.push({ name, ok: result.status === 0 })
  return result.status === 0
}

// Browser tests need Debian's Chromium, and the bench's smoke test curl; install them when we can (root with apt).
const missing = !existsSync(process.env.TACK_CHROMIUM ?? '/usr/bin/chromium') || spawnSync('curl', ['--version']).error
if (missing && process.getuid?.() === 0 && !process.env.TACK_NO_APT)
  step('install Debian packages', 'bash', ['scripts/ensure-debian-packages.sh'])
step('build binaries', 'bash', ['scripts/build-binaries.sh', 'kubo', 'minio', 'launcher', 'cluster'])

step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.node.json'])
step('typecheck renderer', 'npx', ['tsc', '-p', 'tsconfig.web.json'])
step('lint', 'npx', ['eslint', '.'])
step('build', 'npx', ['electron-vite', 'build'])
// tack-launcher's own Go tests (the relay's protocol, uploads in parts, the CIDs it computes).
step('launcher go vet', 'go', ['-C', 'tools/launcher', 'vet', './...'], { GOTOOLCHAIN: 'local' })
step('launcher go test', 'go', ['-C', 'tools/launcher', 'test', '-count=1', './...'], { GOTOOLCHAIN: 'local' })

const report = process.env.TACK_VITEST_REPORT || DEFAULT_REPORT
rmSync(report, { force: true })
process.stdout.write('\n== vitest (unit, harness, integration, e2e)\n')
const vitest = ['vitest', 'run', '--reporter=default', '--reporter=./scripts/vitest-reporter.mjs', ...process.argv.slice(2)]
// The Electron e2e test needs a display; on a headless Linux with xvfb-run, give it one.
const xvfb = process.platform === 'linux' && !process.env.DISPLAY && spawnSync('which', ['xvfb-run']).status === 0
const run = spawnSync(xvfb ? 'xvfb-run' : 'npx', xvfb ? ['-a', 'npx', ...vitest] : vitest, {
  stdio: 'inherit',
  env: { ...env, TACK_VITEST_REPORT: report },
})

const result = summarise(readReport(report), { status: run.status ?? 1, steps })
process.stdout.write(result.text)
process.exit(result.ok ? 0 : 1)
