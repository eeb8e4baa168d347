// Types of scripts/summary.mjs for the harness self-tests (tests/harness/).
export interface ReportTest {
  name: string
  state: string
  mode?: string
  note?: string
  errors: string[]
}
export interface ReportModule {
  file: string
  project?: string
  state: string
  errors: string[]
  tests: ReportTest[]
}
export interface Report {
  reason?: string
  unhandledErrors: string[]
  modules: ReportModule[]
}
export interface AllowedSkip {
  file: string
  test: string
  /** A regular expression the skip's reason must match. */
  reason: string
}
export interface Summary {
  passed: number
  failed: number
  skipped: number
  skips: Array<{ file: string; test: string; note?: string; allowed: boolean }>
  failures: string[]
  ok: boolean
  text: string
}
export const ALLOWLIST_FILE: string
export function loadAllowlist(file?: string): AllowedSkip[]
export function readReport(file: string): Report | undefined
export function summarise(
  report: unknown,
  options?: { allowlist?: AllowedSkip[]; status?: number; steps?: Array<{ name: string; ok: boolean }> },
): Summary
