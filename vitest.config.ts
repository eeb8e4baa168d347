import { defineConfig } from 'vitest/config'

// unit: pure logic, next to the source. integration: real Kubo, MinIO and SQLite in temp dirs, so few at a
// time on a 2-core machine, with room for Kubo to start.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'], environment: 'node', sequence: { groupOrder: 0 } } },
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          globalSetup: ['tests/fixtures/global-setup.ts'],
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
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
})
