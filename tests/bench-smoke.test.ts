// The bench cannot rot: its smoke mode (tiny sizes) runs every row against real Kubo, MinIO, IPFS Cluster
// and `tack serve`, and must produce a results table with every row of bench/rows.md. Speed is never
// asserted here: shared machines move absolute numbers, and the bench only reports.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'
import { tempDir } from './fixtures/tmp.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
const out = tempDir('tack-bench-out-')
afterAll(() => out.remove())

/** Row ids (bench/metadata.ts, bench/psa-gateway.ts, bench/footprint.ts) and row-name beginnings (bench/upload.ts,
 *  bench/flood.ts and bench/shell-loop.ts, whose names carry sizes). */
const EXPECTED = [
  'list-1m',
  ...['name exact', 'name iexact', 'name partial', 'name ipartial', 'before', 'after', 'meta'].map((f) => `list-1m ${f}`),
  'post-20',
  'remote-add',
  'serve-ready',
  'key-list',
  'upload',
  'gateway first read',
  'gateway pinned',
  'gateway TTFB',
  'gateway PSA-pinned',
  'first read small files',
  'disk',
  'idle-rss',
  'idle-cpu',
  'admin /api/status p99 under a',
  'shell event-loop p99 under a',
]

it('npm run bench -- --smoke writes a table with every row', { timeout: 900_000 }, async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke'], {
    cwd: ROOT,
    env: { ...process.env, TACK_BENCH_OUT: out.path, BENCH_ROUNDS: '1' },
    maxBuffer: 16 * 1024 * 1024,
  })
  const [json, md] = stdout.match(/^results: (\S+) (\S+)$/m)!.slice(1) as [string, string]
  const result = JSON.parse(readFileSync(json, 'utf8')) as { smoke: boolean; rows: Array<{ row: string; tack: number; anchor: number; ratio: number }> }
  expect(result.smoke).toBe(true)
  const table = readFileSync(md, 'utf8')
  for (const name of EXPECTED) {
    const row = result.rows.find((r) => r.row === name || r.row.startsWith(name))
    expect(row, `row ${name}`).toBeDefined()
    // Measured, whatever the value: a number on both sides and a ratio between them.
    for (const v of [row!.tack, row!.anchor, row!.ratio]) expect(Number.isFinite(v), `${name}: ${JSON.stringify(row)}`).toBe(true)
    expect(table).toContain(`| ${row!.row} |`)
  }
  // Every row in the JSON is in the table, and nothing else is.
  expect(table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| row') && !l.startsWith('| ---'))).toHaveLength(result.rows.length)
})
