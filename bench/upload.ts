// Upload and gateway throughput of `tack serve`, beside Kubo doing the same work, measured in one run so
// the ratios hold on whatever machine runs it. Not part of `npm test`:
//   node --import tsx bench/upload.ts            (1 GiB; BENCH_MB=256 for a quicker run)
// Reports: PUT /api/files MB/s and Tack's peak RSS beside `ipfs add --cid-version=1` of the same file,
// and gateway MB/s (first read from MinIO, then from Kubo once pinned) beside Kubo's own gateway.
import { execFile } from 'node:child_process'
import { createReadStream, createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { startKuboNode } from '../tests/fixtures/kubo-node.js'
import { spawnServe } from '../tests/fixtures/serve.js'
import { tempDir } from '../tests/fixtures/tmp.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
const MB = Number(process.env.BENCH_MB ?? 1024)
const BYTES = MB * 1024 * 1024

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)
  return line ? Number(line[1]) * 1024 : 0
}

/** Samples a process's RSS every 100 ms while fn runs; returns fn's result, seconds and the peak. */
async function measure<T>(pid: number | undefined, fn: () => Promise<T>): Promise<{ value: T; seconds: number; peakRss: number }> {
  let peakRss = pid ? rssOf(pid) : 0
  const timer = pid ? setInterval(() => (peakRss = Math.max(peakRss, rssOf(pid))), 100) : undefined
  const start = process.hrtime.bigint()
  try {
    const value = await fn()
    return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9, peakRss }
  } finally {
    clearInterval(timer)
  }
}

async function drain(url: string): Promise<number> {
  const res = await fetch(url)
  if (!res.ok || !res.body) throw new Error(`GET ${url}: ${res.status}`)
  let n = 0
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) n += chunk.length
  if (n !== BYTES) throw new Error(`GET ${url}: ${n} bytes, expected ${BYTES}`)
  return n
}

const mbps = (seconds: number) => MB / seconds
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`

async function main() {
  const dir = tempDir('tack-bench-')
  const file = join(dir.path, 'random.bin')
  process.stderr.write(`writing ${MB} MiB of random bytes…\n`)
  await pipeline(
    Readable.from((async function* () {
      for (let left = BYTES; left > 0; left -= 4 << 20) yield randomBytes(Math.min(left, 4 << 20))
    })()),
    createWriteStream(file),
  )
  const dataDir = join(dir.path, 'tack')
  mkdirSync(dataDir)
  const env = { ...process.env, TACK_DATA_DIR: dataDir }
  const key = (await run(process.execPath, ['bin/tack.js', 'key', 'create', '--name', 'bench'], { cwd: ROOT, env })).stdout.trim()
  const [serve, kubo] = await Promise.all([spawnServe(dataDir), startKuboNode()])
  try {
    const pid = serve.child.pid!
    const idleRss = rssOf(pid)
    process.stderr.write('uploading to Tack…\n')
    const upload = await measure(pid, async () => {
      const res = await fetch(`${serve.url}/api/files?name=random.bin`, {
        method: 'PUT',
        // undici streams any async iterable; Readable.toWeb() would cost a lot of throughput here.
        body: createReadStream(file, { highWaterMark: 1 << 20 }) as unknown as ReadableStream,
        duplex: 'half',
        headers: { authorization: `Bearer ${key}`, 'content-length': String(BYTES) },
      } as RequestInit)
      if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`)
      return ((await res.json()) as { cid: string }).cid
    })
    process.stderr.write('ipfs add of the same file…\n')
    const add = await measure(undefined, async () => (await kubo.ipfs(['add', '--cid-version=1', '-Q', file], { timeoutMs: 3_600_000 })).trim())
    if (add.value !== upload.value) throw new Error(`CIDs differ: Tack ${upload.value}, Kubo ${add.value}`)

    const gw = `${serve.url}/api/gateway/${upload.value}`
    process.stderr.write('reading through the gateway…\n')
    const fromMinio = await measure(pid, () => drain(gw))
    // The first read started the pin; wait for it, then read again (now from Kubo through Tack).
    const auth = { headers: { authorization: `Bearer ${key}` } }
    for (;;) {
      const state = ((await (await fetch(`${serve.url}/api/files/${upload.value}`, auth)).json()) as { state: string }).state
      if (state === 'pinned') break
      if (state === 'failed') throw new Error('pinning failed')
      await new Promise((r) => setTimeout(r, 500))
    }
    const fromKubo = await measure(pid, () => drain(gw))
    // Kubo's own gateway: the one of Tack's bundled Kubo (loopback, port in its repo config), same pinned CID.
    const kuboConfig = JSON.parse(readFileSync(join(dataDir, 'kubo', 'config'), 'utf8')) as { Addresses: { Gateway: string } }
    const kuboGateway = kuboConfig.Addresses.Gateway.match(/tcp\/(\d+)/)![1]
    const plain = await measure(undefined, () => drain(`http://127.0.0.1:${kuboGateway}/ipfs/${upload.value}`))

    const results = {
      sizeMiB: MB,
      cid: upload.value,
      upload: { tackMBps: mbps(upload.seconds), ipfsAddMBps: mbps(add.seconds), ratio: add.seconds / upload.seconds },
      rss: { idle: idleRss, peakDuringUpload: upload.peakRss, peakDuringMinioRead: fromMinio.peakRss, peakDuringKuboRead: fromKubo.peakRss },
      gateway: {
        fromMinioMBps: mbps(fromMinio.seconds),
        fromKuboViaTackMBps: mbps(fromKubo.seconds),
        kuboGatewayMBps: mbps(plain.seconds),
        ratioMinio: plain.seconds / fromMinio.seconds,
        ratioKubo: plain.seconds / fromKubo.seconds,
      },
    }
    const f = (n: number) => n.toFixed(1)
    console.log(`\n${MB} MiB random file, CID ${results.cid} (same as ipfs add)`)
    console.log(`upload   Tack PUT /api/files ${f(results.upload.tackMBps)} MB/s | ipfs add ${f(results.upload.ipfsAddMBps)} MB/s | ratio ${results.upload.ratio.toFixed(2)}`)
    console.log(
      `rss      Tack idle ${mib(idleRss)}, peak during upload ${mib(upload.peakRss)}, ` +
        `during the first gateway read (with the pin job running) ${mib(fromMinio.peakRss)}, during the read from Kubo ${mib(fromKubo.peakRss)}`,
    )
    console.log(
      `gateway  Tack from MinIO ${f(results.gateway.fromMinioMBps)} MB/s (ratio ${results.gateway.ratioMinio.toFixed(2)}) | ` +
        `Tack from Kubo ${f(results.gateway.fromKuboViaTackMBps)} MB/s (ratio ${results.gateway.ratioKubo.toFixed(2)}) | ` +
        `Kubo's gateway ${f(results.gateway.kuboGatewayMBps)} MB/s`,
    )
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true })
    const out = join(ROOT, 'bench', 'results', `upload-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
    writeFileSync(out, JSON.stringify(results, null, 2))
    console.log(`(ratio = Tack's speed / Kubo's; written to ${out})`)
  } catch (err) {
    process.stderr.write(`tack serve output:\n${serve.output().slice(-4000)}\n`)
    throw err
  } finally {
    serve.child.kill('SIGTERM')
    await serve.exited
    await kubo.stop()
    dir.remove()
  }
}

await main()
