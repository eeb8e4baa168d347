// Self-tests of the test harness: vitest runs on the deliberately broken files in tests/harness/fixtures/
// (with the same reporter and leak check as `npm test`), then scripts/summary.mjs reads each report, and its
// output and exit status are checked. A skip outside the allow-list, a leaked process, a broken beforeAll and
// a file that does not load each turn the run red and are named; an allow-listed skip stays green.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadAllowlist, summarise } from '../../scripts/summary.mjs'
import { tempDir } from '../fixtures/tmp.js'

const ROOT = resolve(import.meta.dirname, '..', '..')
const FIXTURES = 'tests/harness/fixtures'
const dir = tempDir('tack-harness-')
afterAll(() => dir.remove())

// The outer vitest's worker variables must not leak into the inner run.
const cleanEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'))

interface Run {
  vitestStatus: number | null
  summary: string
  lastLine: string
  status: number | null
  report: { modules: Array<{ file: string }> }
}

let runs = 0
/** vitest on the named fixture files, then the summariser on its report. */
function run(fixtures: string[], options: { allowlist?: string; env?: Record<string, string> } = {}): Run {
  const report = join(dir.path, `report-${++runs}.json`)
  const vitest = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'vitest'),
    ['run', '--config', `${FIXTURES}/vitest.config.ts`, '--reporter=./scripts/vitest-reporter.mjs', ...fixtures.map((f) => `${FIXTURES}/${f}.fixture.ts`)],
    { cwd: ROOT, encoding: 'utf8', env: { ...cleanEnv(), ...options.env, TACK_VITEST_REPORT: report }, timeout: 90_000 },
  )
  expect(existsSync(report), `vitest wrote no report:\n${vitest.stdout}\n${vitest.stderr}`).toBe(true)
  const args = ['scripts/summary.mjs', report, '--status', String(vitest.status)]
  if (options.allowlist) args.push('--allowlist', options.allowlist)
  const summary = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' })
  const lines = summary.stdout.trimEnd().split('\n')
  return {
    vitestStatus: vitest.status,
    summary: summary.stdout,
    lastLine: lines.at(-1)!,
    status: summary.status,
    report: JSON.parse(readFileSync(report, 'utf8')),
  }
}

/** The lines under "Failed:" in a summary. */
const failures = (summary: string) =>
  summary
    .split('\nFailed:\n')[1]
    ?.split('\n\n')[0]
    ?.split('\n')
    .map((l) => l.replace(/^ {2}- /, '')) ?? []

const SUMMARY_LINE = /^\d+ passed, \d+ failed, \d+ skipped$/

describe('the test summary', () => {
  it('is green for a clean run, with the summary as its last line', () => {
    const r = run(['passing'])
    expect(r.vitestStatus).toBe(0)
    expect(r.lastLine).toBe('1 passed, 0 failed, 0 skipped')
    expect(r.status).toBe(0)
    expect(r.summary).not.toContain('Failed:')
  })

  it('turns red on skips outside the allow-list and names each with its reason', () => {
    const r = run(['skipped', 'passing'])
    expect(r.lastLine).toMatch(SUMMARY_LINE)
    expect(r.lastLine).toMatch(/^2 passed, 2 failed, 2 skipped$/)
    expect(r.status).toBe(1)
    const file = `${FIXTURES}/skipped.fixture.ts`
    expect(r.summary).toContain(`  - ${file} > is skipped at run time with a reason: the fixture says so [NOT ALLOWED]`)
    expect(r.summary).toContain(`  - ${file} > is skipped without a reason: (no reason given) [NOT ALLOWED]`)
    expect(failures(r.summary)).toHaveLength(2)
    expect(failures(r.summary).every((l) => l.startsWith(`${file} > `))).toBe(true)
  })

  it('stays green for a skip the allow-list names by file, test and reason', () => {
    const file = `${FIXTURES}/allowed-skip.fixture.ts`
    const allowlist = join(dir.path, 'allowlist.json')
    writeFileSync(allowlist, JSON.stringify([{ file, test: 'needs something this machine lacks', reason: '^no Widget binary' }]))
    const r = run(['allowed-skip'], { allowlist })
    expect(r.summary).toContain(`  - ${file} > needs something this machine lacks: no Widget binary: fixture [allowed]`)
    expect(r.lastLine).toBe('1 passed, 0 failed, 1 skipped')
    expect(r.status).toBe(0)

    // The same skip with another reason is not the allowed one.
    writeFileSync(allowlist, JSON.stringify([{ file, test: 'needs something this machine lacks', reason: '^no Gadget' }]))
    const other = run(['allowed-skip'], { allowlist })
    expect(other.status).toBe(1)
    expect(other.summary).toContain('[NOT ALLOWED]')
  })

  it('fails the file that leaves a process running, names the process and ends it', () => {
    const pidFile = join(dir.path, 'leaked.pid')
    const r = run(['leak', 'passing'], { env: { TACK_HARNESS_PID_FILE: pidFile } })
    const pid = Number(readFileSync(pidFile, 'utf8'))
    expect(pid).toBeGreaterThan(0)
    expect(r.status).toBe(1)
    expect(r.lastLine).toBe('2 passed, 1 failed, 0 skipped')
    expect(failures(r.summary)).toEqual([
      `${FIXTURES}/leak.fixture.ts: this file left 1 process(es) running, now killed: pid ${pid} (sleep 300)`,
    ])
    expect(existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z')).toBe(false)
  })

  it('names the file and the error of a broken beforeAll, whose tests vitest shows as skipped', () => {
    const r = run(['broken-before-all'])
    expect(r.status).toBe(1)
    const file = `${FIXTURES}/broken-before-all.fixture.ts`
    expect(failures(r.summary)).toContain(`${file}: a block whose setup breaks: fixture: the setup broke`)
    expect(r.lastLine).toMatch(/^1 passed, [1-9]\d* failed, 2 skipped$/)
  })

  it('names a file that does not load', () => {
    const r = run(['load-error', 'passing'])
    expect(r.status).toBe(1)
    expect(failures(r.summary)).toEqual([`${FIXTURES}/load-error.fixture.ts: fixture: this file does not load`])
    expect(r.lastLine).toBe('1 passed, 1 failed, 0 skipped')
  })
})

describe('the summary rules', () => {
  const module = (tests: Array<{ state: string; note?: string }>, extra = {}) => ({
    file: 'tests/x.test.ts',
    project: 'integration',
    state: 'passed',
    errors: [],
    tests: tests.map((t, i) => ({ name: `t${i}`, mode: 'run', errors: [], ...t })),
    ...extra,
  })
  const report = (modules: unknown[], extra = {}) => ({ reason: 'passed', unhandledErrors: [], modules, ...extra })

  it('is red when no test passed, even if nothing failed', () => {
    const allowlist = [{ file: 'tests/x.test.ts', test: 't0', reason: '^ok' }]
    const r = summarise(report([module([{ state: 'skipped', note: 'ok' }])]), { allowlist })
    expect(r.ok).toBe(false)
    expect(r.failures).toEqual(['no test passed'])
    expect(summarise(report([]), { allowlist }).ok).toBe(false)
  })

  it('is red without a report, on an unhandled error, and on a non-zero vitest exit it cannot explain', () => {
    expect(summarise(undefined, { allowlist: [] }).failures[0]).toMatch(/no report/)
    const passing = [module([{ state: 'passed' }])]
    expect(summarise(report(passing, { unhandledErrors: ['boom'] }), { allowlist: [] }).failures).toEqual(['unhandled error: boom'])
    expect(summarise(report(passing), { allowlist: [], status: 1 }).failures).toEqual(['vitest exited with status 1'])
    expect(summarise(report(passing), { allowlist: [], status: 0 }).ok).toBe(true)
  })

  it('counts static steps as tests and names a failing one', () => {
    const r = summarise(report([module([{ state: 'passed' }])]), {
      allowlist: [],
      steps: [
        { name: 'lint', ok: true },
        { name: 'typecheck', ok: false },
      ],
    })
    expect(r.text.trimEnd().split('\n').at(-1)).toBe('2 passed, 1 failed, 0 skipped')
    expect(r.failures).toEqual(['typecheck failed'])
  })

  it('allows only the Electron e2e skip, for want of an Electron binary, and names a test that exists', () => {
    const allowlist = loadAllowlist()
    expect(allowlist.map((a) => a.file)).toEqual(['e2e/electron.spec.ts'])
    const [entry] = allowlist
    const source = readFileSync(join(ROOT, entry!.file), 'utf8')
    for (const part of entry!.test.split(' > ')) expect(source).toContain(`'${part}'`)
    expect(new RegExp(entry!.reason).test('no Electron binary at /x/electron; set ELECTRON_BINARY')).toBe(true)
    expect(new RegExp(entry!.reason).test('no display for Electron: run under xvfb-run')).toBe(false)
  })

  it('runs the leak check and the fixtures config with the same setup file as the projects that start processes', async () => {
    const config = (await import('../../vitest.config.js')).default as {
      test: { projects: Array<{ test: { name: string; setupFiles?: string[] } }> }
    }
    const setup = Object.fromEntries(config.test.projects.map((p) => [p.test.name, p.test.setupFiles ?? []]))
    for (const name of ['integration', 'e2e', 'harness']) expect(setup[name], name).toContain('tests/fixtures/leak-check.ts')
    const fixtures = (await import('./fixtures/vitest.config.js')).default as { test: { setupFiles: string[] } }
    expect(fixtures.test.setupFiles).toEqual(['tests/fixtures/leak-check.ts'])
  })

  it('keeps the fixtures out of every normal project', () => {
    const list = spawnSync(join(ROOT, 'node_modules', '.bin', 'vitest'), ['list', '--filesOnly', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: cleanEnv(),
      timeout: 90_000,
    })
    expect(list.status, list.stderr).toBe(0)
    const files = (JSON.parse(list.stdout) as Array<{ file: string; projectName?: string }>).map((f) => f.file)
    expect(files.some((f) => f.includes('tests/harness/summary.test.ts'))).toBe(true)
    expect(files.filter((f) => f.includes('tests/harness/fixtures'))).toEqual([])
  })
})
