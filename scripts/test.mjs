#!/usr/bin/env node
// `npm test`: everything CI runs, in order, with one summary line at the end ("N passed, N failed").
// Each static check (typecheck, lint, build) counts as one test; vitest's tests count one each.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'

const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
let passed = 0
let failed = 0
let skipped = 0
const failures = []

function step(name, command, args) {
  process.stdout.write(`\n== ${name}: ${command} ${args.join(' ')}\n`)
  const result = spawnSync(command, args, { stdio: 'inherit', env })
  if (result.status === 0) passed++
  else {
    failed++
    failures.push(name)
  }
  return result.status === 0
}

// Browser tests need Debian's Chromium; install it when we can (root with apt), as CI does.
if (!existsSync('/usr/bin/chromium') && process.getuid?.() === 0 && !process.env.TACK_NO_APT) {
  step('install chromium', 'bash', ['scripts/ensure-chromium.sh'])
}
if (!existsSync('resources/bin')) step('build binaries', 'bash', ['scripts/build-binaries.sh'])

step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.node.json'])
step('typecheck renderer', 'npx', ['tsc', '-p', 'tsconfig.web.json'])
step('lint', 'npx', ['eslint', '.'])
step('build', 'npx', ['electron-vite', 'build'])

mkdirSync('test-results', { recursive: true })
const report = 'test-results/vitest.json'
process.stdout.write('\n== vitest (unit, integration, browser, e2e)\n')
const vitest = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]
// The Electron e2e test needs a display; on a headless Linux with xvfb-run, give it one.
const xvfb = process.platform === 'linux' && !process.env.DISPLAY && spawnSync('which', ['xvfb-run']).status === 0
const run = spawnSync(xvfb ? 'xvfb-run' : 'npx', xvfb ? ['-a', 'npx', ...vitest] : vitest, { stdio: 'inherit', env })
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed += r.numPassedTests
  failed += r.numFailedTests
  skipped += r.numPendingTests + r.numTodoTests
  for (const file of r.testResults)
    for (const t of file.assertionResults) if (t.status === 'failed') failures.push(t.fullName)
  // A suite that failed to load has no assertion results but must still count as a failure.
  for (const file of r.testResults)
    if (file.status === 'failed' && file.assertionResults.length === 0) {
      failed++
      failures.push(`${file.name}: ${file.message?.split('\n')[0]}`)
    }
} else {
  failed++
  failures.push('vitest produced no report')
}
// A run that errored outside any test (bad config, an unhandled error) or ran nothing has not passed.
if (run.status !== 0 && !failures.length) {
  failed++
  failures.push(`vitest exited with status ${run.status}`)
}
if (existsSync(report) && JSON.parse(readFileSync(report, 'utf8')).numTotalTests === 0) {
  failed++
  failures.push('vitest ran no test')
}

if (failures.length) process.stdout.write(`\nFailed:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`)
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`)
process.exit(failed ? 1 : 0)
