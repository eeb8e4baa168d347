// A vitest reporter that writes what scripts/summary.mjs needs and vitest's JSON reporter leaves out: the
// note of every skipped test (`ctx.skip(note)`), and the errors of files and suites that failed outside any
// test (a file that did not load, a beforeAll or afterAll that threw: vitest then shows the tests as skipped).
// It writes to $TACK_VITEST_REPORT (default test-results/vitest-report.json).
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'

export const DEFAULT_REPORT = 'test-results/vitest-report.json'

/** First line of an error's message, with the error's name when it adds something. */
const describeError = (e) => {
  const message = String(e?.message ?? e).split('\n')[0]
  return e?.name && e.name !== 'Error' && !message.startsWith(e.name) ? `${e.name}: ${message}` : message
}

export default class SummaryReporter {
  onInit(vitest) {
    this.root = vitest.config.root
  }

  onTestRunEnd(testModules, unhandledErrors, reason) {
    const root = this.root ?? process.cwd()
    const modules = testModules.map((module) => {
      // Errors outside tests sit on the module (top-level hooks, load errors) or on a describe block.
      const errors = module.errors().map(describeError)
      for (const suite of module.children.allSuites())
        for (const e of suite.errors()) errors.push(`${suite.fullName}: ${describeError(e)}`)
      const tests = [...module.children.allTests()].map((test) => {
        const result = test.result()
        return {
          name: test.fullName,
          state: result.state,
          mode: test.options.mode,
          note: result.state === 'skipped' ? result.note : undefined,
          errors: (result.errors ?? []).map(describeError),
        }
      })
      return {
        file: relative(root, module.moduleId),
        project: module.project.name,
        state: module.state(),
        errors,
        tests,
      }
    })
    const report = { reason, unhandledErrors: unhandledErrors.map(describeError), modules }
    const out = resolve(root, process.env.TACK_VITEST_REPORT || DEFAULT_REPORT)
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, JSON.stringify(report, null, 2))
  }
}
