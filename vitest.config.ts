import { defineConfig } from 'vitest/config'

// unit: pure logic, next to the source. harness: self-tests of the test harness (scripts/test.mjs and its
// summary, the leak check), which run vitest on the fixture files under tests/harness/fixtures/ (never part
// of a normal run). integration: real Kubo, MinIO and SQLite in temp dirs, so few at a time on a 2-core
// machine, with room for Kubo to start; a file that leaves a process running fails (tests/fixtures/leak-check.ts).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'], environment: 'node', sequence: { groupOrder: 0 } } },
      {
        test: {
          name: 'harness',
          include: ['tests/harness/*.test.ts'],
          setupFiles: ['tests/fixtures/leak-check.ts'],
          environment: 'node',
          testTimeout: 120_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/harness/**'],
          globalSetup: ['tests/fixtures/global-setup.ts'],
          setupFiles: ['tests/fixtures/leak-check.ts'],
          // Kubo unpins, cluster states and UI updates take seconds on a busy machine: the 1 s default of
          // expect.poll would fail (or, with .not, pass) for the wrong reason.
          expect: { poll: { timeout: 15_000, interval: 100 } },
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
      {
        // The Electron app end to end; skipped, with the reason, where no Electron binary exists.
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          setupFiles: ['tests/fixtures/leak-check.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
})
