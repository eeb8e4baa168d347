// `npm run bench`: every row of issue 11 beside its anchor on this machine (bench/rows.md says which file
// measures which row), 3 interleaved rounds, ratios first. Writes bench/results/<date>.json and .md and prints
// the Markdown table. `npm run bench -- --smoke` (or TACK_BENCH_SMOKE=1) runs every row at tiny sizes in
// seconds, so the bench cannot rot (tests/bench-smoke.test.ts); `--only=metadata|upload|psa-gateway|footprint|flood|shell-loop`
// runs one file.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { platformDir } from '../src/main/core/binaries.js'
import { kuboBinary } from '../tests/fixtures/binaries.js'
import { clusterBinaries } from '../tests/fixtures/cluster.js'
import { floodRows } from './flood.js'
import { footprintRows } from './footprint.js'
import { metadataRows, type MetadataRow } from './metadata.js'
import { psaGatewayRows } from './psa-gateway.js'
import { uploadRows } from './upload.js'
import { shellLoopRows } from './shell-loop.js'

const ROOT = join(import.meta.dirname, '..')
const smoke = process.argv.includes('--smoke') || process.env.TACK_BENCH_SMOKE === '1'
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const outDir = process.env.TACK_BENCH_OUT ?? join(ROOT, 'bench', 'results')
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`)

type Row = MetadataRow & { file: string }

// Resolve Kubo once for every process the bench starts: the `kubo` npm package's lookup tries a download
// each time when it has no binary (offline), which would land inside the timings.
const bundledKubo = join(ROOT, 'resources', 'bin', platformDir(), 'ipfs')
process.env.TACK_KUBO_BINARY ||= existsSync(bundledKubo) ? bundledKubo : kuboBinary()

if (!clusterBinaries()) {
  log('building the IPFS Cluster binaries (scripts/build-binaries.sh cluster)')
  await promisify(execFile)('bash', ['scripts/build-binaries.sh', 'cluster'], { cwd: ROOT })
}

const rows: Row[] = []
if (!only || only === 'metadata') rows.push(...(await metadataRows({ smoke, rounds, log })).map((r) => ({ ...r, file: 'bench/metadata.ts' })))
if (!only || only === 'upload') rows.push(...(await uploadRows({ smoke, rounds, log })).map((r) => ({ ...r, file: 'bench/upload.ts' })))
if (!only || only === 'psa-gateway') rows.push(...(await psaGatewayRows({ smoke, rounds, log })).map((r) => ({ ...r, file: 'bench/psa-gateway.ts' })))
if (!only || only === 'footprint') rows.push(...(await footprintRows({ smoke, rounds, log })).map((r) => ({ ...r, file: 'bench/footprint.ts' })))
if (!only || only === 'flood') rows.push(...(await floodRows({ smoke, log })).map((r) => ({ ...r, file: 'bench/flood.ts' })))
if (!only || only === 'shell-loop') rows.push(...(await shellLoopRows({ smoke, rounds, log })).map((r) => ({ ...r, file: 'bench/shell-loop.ts' })))

const f = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3))
const ratioText = (r: Row) => (r.unit === 'ms' ? `${r.ratio >= 0 ? '+' : ''}${f(r.ratio)} ms` : `${f(r.ratio)}×`)
const date = new Date().toISOString()
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`
const table = [
  `Bench ${smoke ? '(smoke: tiny sizes, not a measurement) ' : ''}of ${date.slice(0, 10)} on ${machine}; median of ${rounds} interleaved rounds.`,
  '',
  '| row | ratio (Tack vs anchor) | target | Tack | anchor | unit | notes |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => {
    const notes = [r.note, r.peakRssGrowthMiB !== undefined ? `peak RSS growth ${r.peakRssGrowthMiB.toFixed(0)} MiB` : '', r.rssMiB ? `RSS MiB ${Object.entries(r.rssMiB).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}` : '']
    return `| ${r.row} | ${ratioText(r)} | ${r.target} | ${f(r.tack)} | ${f(r.anchor)} | ${r.unit} | ${notes.filter(Boolean).join('; ')} |`
  }),
].join('\n')

mkdirSync(outDir, { recursive: true })
const base = join(outDir, `${date.replace(/[:.]/g, '-')}${smoke ? '-smoke' : ''}`)
writeFileSync(`${base}.json`, JSON.stringify({ date, machine, smoke, rounds, rows }, null, 2))
writeFileSync(`${base}.md`, table + '\n')
console.log(table)
console.log(`\nresults: ${base}.json ${base}.md`)
// Keep-alive sockets of the clients (minio, autocannon) would hold the process open.
process.exit(0)
