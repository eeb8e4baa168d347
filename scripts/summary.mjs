#!/usr/bin/env node
// The verdict of a test run, from the report scripts/vitest-reporter.mjs writes. Green means every test that
// should run ran and passed: a skip is red unless scripts/skip-allowlist.json names it (file, test and a
// pattern its reason must match), and so is a file that failed outside its tests (did not load, a beforeAll
// threw, its afterAll found a process left running), an unhandled error, a run where no test passed, and a
// vitest that exited non-zero for a reason the report does not show.
//
// usage: node scripts/summary.mjs [report.json] [--status <vitest exit status>] [--allowlist <file.json>]
// The last line printed is "N passed, N failed, N skipped" (what .ci/run greps); the exit status is 1 when red.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
export const ALLOWLIST_FILE = join(HERE, 'skip-allowlist.json')

/** @returns {Array<{file: string, test: string, reason: string}>} */
export function loadAllowlist(file = ALLOWLIST_FILE) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

const allowed = (allowlist, file, test, note) =>
  allowlist.some((a) => a.file === file && a.test === test && note !== undefined && new RegExp(a.reason).test(note))

/**
 * @param report the parsed report, or undefined when vitest wrote none
 * @param options.allowlist skips that keep the run green
 * @param options.status vitest's exit status, if known
 * @param options.steps static checks run before vitest (typecheck, lint, build): each counts as one test
 */
export function summarise(report, { allowlist = loadAllowlist(), status, steps = [] } = {}) {
  let passed = steps.filter((s) => s.ok).length
  let failed = steps.filter((s) => !s.ok).length
  let skipped = 0
  let testsPassed = 0
  const failures = steps.filter((s) => !s.ok).map((s) => `${s.name} failed`)
  const skips = []
  const red = (line) => {
    failed++
    failures.push(line)
  }

  if (!report) red('vitest wrote no report (it did not start, or crashed before the end of the run)')
  for (const module of report?.modules ?? []) {
    let fileFailed = false
    for (const t of module.tests) {
      if (t.state === 'passed') {
        passed++
        testsPassed++
      } else if (t.state === 'failed') {
        failed++
        fileFailed = true
        failures.push(`${module.file} > ${t.name}: ${t.errors[0] ?? 'failed'}`)
      } else if (t.state === 'skipped') {
        skipped++
        const ok = allowed(allowlist, module.file, t.name, t.note)
        skips.push({ file: module.file, test: t.name, note: t.note, mode: t.mode, allowed: ok })
      }
    }
    // Errors outside any test: the tests of a failed beforeAll show as skipped, so the file itself is named.
    for (const e of module.errors) red(`${module.file}: ${e}`)
    if (!module.errors.length && module.state === 'failed' && !fileFailed) red(`${module.file}: failed outside its tests`)
    if (module.state === 'queued' || module.state === 'pending') red(`${module.file}: did not finish (${module.state})`)
  }
  for (const s of skips.filter((s) => !s.allowed))
    red(`${s.file} > ${s.test}: skipped (${s.note ?? `no reason given; mode ${s.mode}`}), and not on the allow-list`)
  for (const e of report?.unhandledErrors ?? []) red(`unhandled error: ${e}`)
  if (report && report.reason === 'interrupted') red('the run was interrupted')
  if (report && testsPassed === 0) red('no test passed')
  if (status !== undefined && status !== 0 && !failures.length) red(`vitest exited with status ${status}`)

  const lines = []
  if (skips.length) {
    lines.push('', 'Skipped:')
    for (const s of skips)
      lines.push(`  - ${s.file} > ${s.test}: ${s.note ?? '(no reason given)'}${s.allowed ? ' [allowed]' : ' [NOT ALLOWED]'}`)
  }
  if (failures.length) lines.push('', 'Failed:', ...failures.map((f) => `  - ${f}`))
  lines.push('', `${passed} passed, ${failed} failed, ${skipped} skipped`)
  return { passed, failed, skipped, skips, failures, ok: failed === 0, text: lines.join('\n') + '\n' }
}

export function readReport(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2)
  const option = (name) => {
    const at = args.indexOf(name)
    return at >= 0 ? args.splice(at, 2)[1] : undefined
  }
  const status = option('--status')
  const allowlist = loadAllowlist(option('--allowlist'))
  const report = readReport(args[0] ?? 'test-results/vitest-report.json')
  const result = summarise(report, { allowlist, status: status === undefined ? undefined : Number(status) })
  process.stdout.write(result.text)
  process.exit(result.ok ? 0 : 1)
}
