// The data-path rows of issue 11, each beside its anchor on this machine, in one run of interleaved pairs
// (the order of Tack and anchor alternates from pair to pair), so the ratios hold on whatever machine runs it:
//   upload      PUT /api/files                       vs `ipfs add --cid-version=1` to a running Kubo
//   first-read  gateway read of an unpinned upload   vs a plain S3 GET of the same object from the same MinIO
//   pinned      gateway read of a pinned upload      vs Kubo's own gateway (Tack's bundled Kubo)
//   ttfb-4k     time to first byte of 4 KiB files    vs Kubo's gateway (a difference in ms, not a ratio)
// with Tack's peak RSS growth over its RSS just before each operation. Speed is never asserted: this only
// reports. Run:
//   node --import tsx bench/upload.ts              (1 GiB; BENCH_MB=256 for a quicker run)
//   node --import tsx bench/upload.ts --smoke      (4 MiB, a few seconds: proves the bench still runs)
// The harness imports uploadRows() (see bench/rows.md).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs'
import { Agent, request, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Client } from 'minio'
import { kuboBinary } from '../tests/fixtures/binaries.js'
import { startKuboNode } from '../tests/fixtures/kubo-node.js'
import { kuboGatewayOf } from './kubo-gateway.js'
import { relayPid } from '../tests/fixtures/processes.js'
import { spawnServe } from '../tests/fixtures/serve.js'
import { tempDir } from '../tests/fixtures/tmp.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
const MiB = 1024 * 1024

export interface BenchRow {
  row: string
  /** What Tack did, in `unit`; the anchor the same. */
  tack: number
  anchor: number
  unit: 'MB/s' | 'ms'
  /** Tack ÷ anchor for speeds; Tack − anchor (ms) for latencies: the median round's (tack and anchor are its). */
  ratio: number
  target: string
  /** Peak RSS of `tack serve` and its relay above theirs just before the operation, MiB (largest over the rounds). */
  peakRssGrowthMiB?: number
  note?: string
  /** Every measured [Tack, anchor] pair, in the order taken (the JSON keeps them; the table shows the median's). */
  samples?: Array<[number, number]>
}

export interface UploadRowsOptions {
  smoke?: boolean
  rounds?: number
  /** Size of the large file; default BENCH_MB or 1024 (4 in smoke mode). */
  mb?: number
  log?: (line: string) => void
  /** Node flags for `tack serve` (e.g. --cpu-prof to profile it). */
  nodeFlags?: string[]
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 })
/** Pairs of pinned reads per round (see the pinned read below). */
const PINNED_PAIRS = 3
/** Pairs of uploads, and of first reads, per round (see the rounds below). */
const LARGE_PAIRS = 3
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

function rssOf(pids: number[]): number {
  let total = 0
  for (const pid of pids) {
    try {
      const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)
      total += line ? Number(line[1]) * 1024 : 0
    } catch {
      // the relay restarted meanwhile
    }
  }
  return total
}

/**
 * Runs fn while sampling the RSS of `tack serve` plus its byte relay (which holds the bytes of relayed reads
 * and uploads) every 50 ms; seconds taken and the peak growth over the start.
 */
async function measure<T>(pid: number, fn: () => Promise<T>): Promise<{ value: T; seconds: number; growth: number }> {
  const relay = relayPid(pid)
  const pids = relay === undefined ? [pid] : [pid, relay]
  const before = rssOf(pids)
  let peak = before
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pids))), 50)
  const start = process.hrtime.bigint()
  try {
    const value = await fn()
    peak = Math.max(peak, rssOf(pids))
    return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9, growth: peak - before }
  } finally {
    clearInterval(timer)
  }
}

function get(url: string, socketPath?: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    request(url, { agent, socketPath }, resolve).on('error', reject).end()
  })
}

/**
 * GETs url to the end with curl; throws unless it is 200 with `bytes` bytes. The large transfers use curl, not
 * Node's http client: Node's client spent 0.74–0.99 CPU-s per 512 MiB it read, most of it in V8 mark-compacts
 * that its 64 KiB chunk buffers set off (about 23 per 512 MiB, `--trace-gc`), and how often they came varied
 * about threefold from run to run (system-wide `perf`), so the client, not the servers, set the pace and the noise.
 */
export async function drain(url: string, bytes: number, socketPath?: string): Promise<void> {
  const through = socketPath ? ['--unix-socket', socketPath] : []
  const { stdout } = await run('curl', ['-sS', ...through, '-o', '/dev/null', '-w', '%{http_code} %{size_download}', url])
  const [status, size] = stdout.trim().split(' ').map(Number)
  if (status !== 200 || size !== bytes) throw new Error(`GET ${url}: ${status}, ${size} of ${bytes} bytes`)
}

/** Milliseconds from sending the request to the first body byte (the body is then read to the end). */
export async function ttfb(url: string, socketPath?: string): Promise<number> {
  const start = process.hrtime.bigint()
  const res = await get(url, socketPath)
  let first = 0
  for await (const _ of res) first ||= Number(process.hrtime.bigint() - start) / 1e6
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`)
  return first
}

export function writeRandomFile(path: string, bytes: number): void {
  const fd = openSync(path, 'w')
  for (let left = bytes; left > 0; left -= 4 * MiB) writeSync(fd, randomBytes(Math.min(left, 4 * MiB)))
  closeSync(fd)
}

/** PUTs file to Tack's /api/files with curl (see drain); returns the CID. keyHeader: a file holding the auth header;
 *  query: more of the query string (e.g. '&pin=true'). */
export async function put(serveUrl: string, keyHeader: string, file: string, name: string, query = ''): Promise<string> {
  const { stdout } = await run('curl', [
    '-sS',
    '-T',
    file,
    // The key from a file, so that it is not in an error's command line; no `Expect: 100-continue` (curl's
    // own habit over 1 MiB, which browsers do not have).
    '-H',
    `@${keyHeader}`,
    '-H',
    'Expect:',
    '-w',
    '\n%{http_code}',
    `${serveUrl}/api/files?name=${encodeURIComponent(name)}${query}`,
  ])
  const end = stdout.lastIndexOf('\n')
  const [text, status] = [stdout.slice(0, end), stdout.slice(end + 1)]
  if (status !== '201') throw new Error(`upload: ${status} ${text}`)
  return (JSON.parse(text) as { cid: string }).cid
}

export async function uploadRows(options: UploadRowsOptions = {}): Promise<BenchRow[]> {
  const smoke = options.smoke ?? false
  const rounds = options.rounds ?? 3
  const mb = options.mb ?? (smoke ? 4 : Number(process.env.BENCH_MB ?? 1024))
  const bytes = mb * MiB
  const smallCount = smoke ? 10 : 200
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'))
  await run('curl', ['--version']).catch(() => {
    throw new Error('the bench sends and reads large files with curl (see drain): apt-get install curl')
  })
  const dir = tempDir('tack-bench-')
  const dataDir = join(dir.path, 'tack')
  mkdirSync(dataDir)
  const env = { ...process.env, TACK_DATA_DIR: dataDir, TACK_KUBO_BINARY: kuboBinary() }
  const key = (
    await run(process.execPath, ['bin/tack.js', 'key', 'create', '--name', 'bench'], { cwd: ROOT, env })
  ).stdout.trim()
  const keyHeader = join(dir.path, 'auth.header')
  writeFileSync(keyHeader, `authorization: Bearer ${key}\n`)
  const [serve, kubo] = await Promise.all([
    spawnServe(dataDir, {}, [...(options.nodeFlags ?? []), 'bin/tack.js', 'serve']),
    startKuboNode(),
  ])
  const s = {
    upload: [] as Array<[number, number, number]>,
    first: [] as Array<[number, number, number]>,
    pinned: [] as Array<[number, number, number]>,
    ttfb: [] as Array<[number, number]>,
  }
  try {
    const pid = serve.child.pid!
    const minioSettings = JSON.parse(readFileSync(join(dataDir, 'minio.json'), 'utf8')) as {
      accessKey: string
      secretKey: string
      apiPort: number
    }
    const s3 = new Client({
      endPoint: '127.0.0.1',
      port: minioSettings.apiPort,
      useSSL: false,
      accessKey: minioSettings.accessKey,
      secretKey: minioSettings.secretKey,
      pathStyle: true,
      region: 'us-east-1',
    })
    const kuboGateway = kuboGatewayOf(dataDir)
    const auth = { authorization: `Bearer ${key}` }
    const waitPinned = async (cid: string) => {
      for (const deadline = Date.now() + 600_000; Date.now() < deadline;) {
        const res = await fetch(`${serve.url}/api/files/${cid}`, { headers: auth })
        const state = ((await res.json()) as { state: string }).state
        if (state === 'pinned') return
        if (state === 'failed') throw new Error(`pinning ${cid} failed`)
        await new Promise((r) => setTimeout(r, 100))
      }
      throw new Error(`${cid} not pinned after 10 min`)
    }
    const newestObject = async () => {
      let newest: { name: string; at: number } | undefined
      for await (const o of s3.listObjectsV2('tack', 'uploads/', true) as AsyncIterable<{
        name?: string
        lastModified?: Date
        size?: number
      }>) {
        if (o.name && o.size === bytes && (!newest || o.lastModified!.getTime() >= newest.at))
          newest = { name: o.name, at: o.lastModified!.getTime() }
      }
      if (!newest) throw new Error('the upload is not in MinIO')
      return newest.name
    }

    // 4 KiB files for the TTFB row, uploaded and pinned once (Kubo's gateway can then serve them too).
    const small: string[] = []
    for (let i = 0; i < smallCount; i++) {
      const f = join(dir.path, `small-${i}.bin`)
      writeRandomFile(f, 4096)
      small.push(await put(serve.url, keyHeader, f, `small-${i}.bin`))
    }
    await fetch(`${serve.url}/api/gateway/${small[0]}`).then((r) => r.arrayBuffer())
    for (const cid of small) await fetch(`${serve.url}/api/files/${cid}/pin`, { method: 'POST', headers: auth })
    for (const cid of small) await waitPinned(cid)

    for (let round = 0; round < rounds; round++) {
      const tackFirst = round % 2 === 0
      // Each side starts with nothing left for the disk to write: `ipfs add` leaves its blocks in the page
      // cache for the kernel to write back later (Kubo's flatfs runs with "sync": false), while MinIO syncs
      // each object (fdatasync) before it answers, so the writeback of one side's bytes (and of the files
      // written above) would otherwise land in whichever measurement came next. `sync` is run, untimed,
      // before each.
      const settled =
        <T>(fn: () => Promise<T>) =>
        async () => {
          await run('sync', [])
          return fn()
        }
      const both = async <A, B>(tack: () => Promise<A>, anchor: () => Promise<B>, swap = false): Promise<[A, B]> => {
        if (tackFirst !== swap) {
          const a = await settled(tack)()
          return [a, await settled(anchor)()]
        }
        const b = await settled(anchor)()
        return [await settled(tack)(), b]
      }
      // An upload and a first read cannot be repeated: each of a round's LARGE_PAIRS pairs uploads a new file
      // of random bytes (Tack beside `ipfs add`), then reads it for the first time (Tack beside a plain S3 GET).
      // Each pair goes in the other order than the last. Single rounds had moved between 0.94× and 2.85×
      // (uploads) and 0.54× and 1.65× (first reads) within one run.
      let up = { value: '' }
      for (let pair = 0; pair < LARGE_PAIRS; pair++) {
        const swap = pair % 2 === 1
        const name = `large-${round}-${pair}.bin`
        const file = join(dir.path, name)
        writeRandomFile(file, bytes)
        log(`round ${round + 1}/${rounds}: upload ${pair + 1}/${LARGE_PAIRS}`)
        const [tack, add] = await both(
          () => measure(pid, () => put(serve.url, keyHeader, file, name)),
          () =>
            measure(pid, async () =>
              (await kubo.ipfs(['add', '--cid-version=1', '-Q', file], { timeoutMs: 3_600_000 })).trim(),
            ),
          swap,
        )
        rmSync(file)
        if (tack.value !== add.value) throw new Error(`CIDs differ: Tack ${tack.value}, Kubo ${add.value}`)
        s.upload.push([mb / tack.seconds, mb / add.seconds, tack.growth])
        up = tack

        log(`round ${round + 1}/${rounds}: first read ${pair + 1}/${LARGE_PAIRS}`)
        // A plain S3 GET: MinIO's own answer to a presigned URL, read by the same client as Tack's. One
        // untimed S3 read first: the first read of a new object was measured ~20 % slower than the next, and
        // whichever side went first paid for it. It is still Tack's first access: nothing of Tack's sees it.
        // The anchor reads a server-side copy of the upload's object (same bytes, same MinIO): Tack pins the
        // upload once its first read is over, and from then its bytes live in Kubo only (one copy, files/placement.ts).
        const anchorKey = `bench/${pair}-${round}`
        await s3.copyObject('tack', anchorKey, `/tack/${await newestObject()}`)
        const s3url = await s3.presignedGetObject('tack', anchorKey, 3600)
        await drain(s3url, bytes)
        // Tack pins an upload once its first read is over: the pin job (MinIO read, Kubo add) then takes both
        // cores for seconds. It is awaited, untimed, so that it never lands in the S3 GET that comes next (it
        // did until 2026-11-26: the rounds with Tack first read 1.6–2.5×, those with the S3 GET first 0.6–0.95×).
        const [first, s3get] = await both(
          async () => {
            const read = await measure(pid, () => drain(`${serve.url}/api/gateway/${tack.value}`, bytes))
            await waitPinned(tack.value)
            return read
          },
          () => measure(pid, () => drain(s3url, bytes)),
          swap,
        )
        s.first.push([mb / first.seconds, mb / s3get.seconds, first.growth])
        await s3.removeObject('tack', anchorKey)
      }

      log(`round ${round + 1}/${rounds}: pinned read`)
      const gw = `${serve.url}/api/gateway/${up.value}`
      await waitPinned(up.value)
      // A read can be repeated (unlike an upload or a first read): PINNED_PAIRS pairs per round, each pair in
      // the other order than the last, as the remote-add row does. A single 1 GiB read takes about a second,
      // and single pairs of it moved between 0.78× and 1.13× within one run.
      for (let pair = 0; pair < PINNED_PAIRS; pair++) {
        const tackRead = () => measure(pid, () => drain(gw, bytes))
        const kuboRead = () => measure(pid, () => drain(`${kuboGateway.url}/ipfs/${up.value}`, bytes, kuboGateway.socketPath))
        const [pinned, plain] = await both(tackRead, kuboRead, pair % 2 === 1)
        s.pinned.push([mb / pinned.seconds, mb / plain.seconds, pinned.growth])
      }

      log(`round ${round + 1}/${rounds}: TTFB of 4 KiB files`)
      const [tackMs, kuboMs] = await both(
        async () => {
          const xs: number[] = []
          for (const cid of small) xs.push(await ttfb(`${serve.url}/api/gateway/${cid}`))
          return median(xs)
        },
        async () => {
          const xs: number[] = []
          for (const cid of small) xs.push(await ttfb(`${kuboGateway.url}/ipfs/${cid}`, kuboGateway.socketPath))
          return median(xs)
        },
      )
      s.ttfb.push([tackMs, kuboMs])
    }
  } catch (err) {
    log(`tack serve output:\n${serve.output().slice(-4000)}`)
    throw err
  } finally {
    agent.destroy()
    serve.child.kill('SIGTERM')
    await serve.exited
    await kubo.stop()
    dir.remove()
  }
  /** The round whose score is the median: its Tack and anchor figures are the ones shown beside it. */
  const medianRound = <T>(xs: T[], score: (x: T) => number): T =>
    [...xs].sort((a, b) => score(a) - score(b))[Math.floor(xs.length / 2)]!
  const speedRow = (row: string, xs: Array<[number, number, number]>, target: string, each = 'rounds'): BenchRow => {
    const mid = medianRound(xs, (x) => x[0] / x[1])
    return {
      row,
      tack: mid[0],
      anchor: mid[1],
      unit: 'MB/s',
      ratio: mid[0] / mid[1],
      target,
      peakRssGrowthMiB: Math.max(...xs.map((x) => x[2])) / MiB,
      note: `${each}: ${xs.map((x) => `${(x[0] / x[1]).toFixed(2)}×`).join(', ')}`,
      samples: xs.map((x) => [x[0], x[1]]),
    }
  }
  const ttfbMid = medianRound(s.ttfb, (x) => x[0] - x[1])
  return [
    speedRow(
      `upload ${mb} MiB (PUT /api/files) vs ipfs add --cid-version=1 (median of ${s.upload.length} pairs)`,
      s.upload,
      '≥ 1.0, RSS growth ≤ 64 MiB',
      `pairs (${LARGE_PAIRS} per round)`,
    ),
    speedRow(
      `gateway first read ${mb} MiB (unpinned, from MinIO) vs S3 GET (median of ${s.first.length} pairs)`,
      s.first,
      '≥ 0.8',
      `pairs (${LARGE_PAIRS} per round)`,
    ),
    speedRow(
      `gateway pinned ${mb} MiB vs Kubo's gateway (median of ${s.pinned.length} pairs)`,
      s.pinned,
      '≥ 0.95',
      `pairs (${PINNED_PAIRS} per round)`,
    ),
    {
      row: `gateway TTFB, 4 KiB files (median of ${smallCount}) vs Kubo's gateway`,
      tack: ttfbMid[0],
      anchor: ttfbMid[1],
      unit: 'ms',
      ratio: ttfbMid[0] - ttfbMid[1],
      target: '≤ +0.3 ms',
      // Round 1 reads each file for the first time (Tack fetches it from Kubo); later rounds find Tack's
      // small-file cache warm, as Kubo's block cache is.
      note: `first round (cold): ${(s.ttfb[0]![0] - s.ttfb[0]![1]).toFixed(2)} ms`,
      samples: s.ttfb.map((x) => [x[0], x[1]]),
    },
  ]
}

export function markdownTable(rows: BenchRow[]): string {
  const f = (n: number) => n.toFixed(2)
  const lines = ['| row | Tack ÷ anchor (or Tack − anchor) | target | peak RSS growth |', '| --- | --- | --- | --- |']
  for (const r of rows) {
    const ratio = r.unit === 'ms' ? `${r.ratio >= 0 ? '+' : ''}${f(r.ratio)} ms` : `${f(r.ratio)}×`
    const rss = [r.peakRssGrowthMiB === undefined ? '' : `${r.peakRssGrowthMiB.toFixed(0)} MiB`, r.note ?? '']
      .filter(Boolean)
      .join('; ')
    lines.push(`| ${r.row} | ${ratio} | ${r.target} | ${rss} |`)
  }
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const smoke = process.argv.includes('--smoke') || process.env.BENCH_SMOKE === '1'
  const rows = await uploadRows({
    smoke,
    rounds: process.env.BENCH_ROUNDS ? Number(process.env.BENCH_ROUNDS) : undefined,
    nodeFlags: process.env.BENCH_SERVE_NODE_FLAGS?.split(' ').filter(Boolean),
  })
  console.log(markdownTable(rows))
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true })
  const out = join(ROOT, 'bench', 'results', `upload-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(out, JSON.stringify({ smoke, rows }, null, 2))
  console.log(`(written to ${out})`)
  // The minio client's keep-alive sockets would hold the process open.
  process.exit(0)
}
