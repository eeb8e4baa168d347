// The footprint rows of issue 26, each beside its anchor on this machine:
//   disk   bytes on disk (du of the data dir's kubo/ and minio/, growth over a fresh start) ÷ the logical bytes
//          Tack was given: uploads (half `pin=true`, half on-demand and never opened), content pinned through
//          POST /api/pinning/pins from a peer, and private files. BENCH_MB MiB of uploads (default 1024), as
//          much PSA-pinned, BENCH_MB/16 private; smoke: 2 MiB, 2 MiB, 256 KiB.
//          Tack's removals free their bytes at once (object-store/store.ts), but anything MinIO puts in
//          .minio.sys/tmp/.trash is freed minutes later: the row leaves the trash out (what Tack holds) and the
//          note gives the figure with it.
//   idle   RSS sum and CPU % of a core of the whole process tree of `tack serve` (Node, Kubo, MinIO, relay),
//          started and left without load for 30 s (smoke 3 s), beside a plain Kubo daemon's over the same time.
// Only reports: nothing is asserted. The harness imports footprintRows() (see bench/rows.md).
import { execFileSync, execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { paths } from '../src/main/core/state.js'
import { startKuboNode, type KuboTestNode } from '../tests/fixtures/kubo-node.js'
import { spawnServe, type ServeProcess } from '../tests/fixtures/serve.js'
import { tempDir } from '../tests/fixtures/tmp.js'
import type { MetadataRow, MetadataRowsOptions } from './metadata.js'
import { put, writeRandomFile } from './upload.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
const MiB = 1024 * 1024
const TICK = 100 // USER_HZ: the unit of utime and stime in /proc/<pid>/stat on Linux

/** Bytes allocated under a directory (blocks, not apparent sizes, as in tests/one-copy.test.ts). */
const du = (dir: string) => (existsSync(dir) ? Number(execFileSync('du', ['-s', '--block-size=1', dir]).toString().split('\t')[0]) : 0)

function disk(dataDir: string): { held: number; trash: number } {
  const { kuboRepo, minioData } = paths(dataDir)
  const trash = du(join(minioData, '.minio.sys', 'tmp', '.trash'))
  return { held: du(kuboRepo) + du(minioData) - trash, trash }
}

/** pid and every descendant of it (Linux /proc). */
function tree(root: number): number[] {
  const children = new Map<number, number[]>()
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)])
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = []
  for (const queue = [root]; queue.length; ) {
    const pid = queue.shift()!
    out.push(pid)
    queue.push(...(children.get(pid) ?? []))
  }
  return out
}

/** Summed RSS (bytes) and CPU ticks (user + system) of these pids. */
function usage(pids: number[]): { rss: number; ticks: number } {
  let rss = 0
  let ticks = 0
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(0).split(') ')[1]!.split(' ')
      ticks += Number(stat[11]) + Number(stat[12]) // utime, stime (fields 14 and 15)
      rss += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024
    } catch {
      // gone meanwhile
    }
  }
  return { rss, ticks }
}

/** Over `seconds` of idleness: the largest RSS sum of the tree (sampled each second) and its CPU % of a core. */
async function idle(root: number, seconds: number): Promise<{ rssMiB: number; cpu: number }> {
  const pids = tree(root)
  const start = usage(pids)
  const t0 = process.hrtime.bigint()
  let rss = start.rss
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000))
    rss = Math.max(rss, usage(pids).rss)
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9
  return { rssMiB: rss / MiB, cpu: ((usage(pids).ticks - start.ticks) / TICK / wall) * 100 }
}

async function waitPinned(serveUrl: string, key: string, requestid: string): Promise<void> {
  for (const deadline = Date.now() + 600_000; Date.now() < deadline; ) {
    const res = await fetch(`${serveUrl}/api/pinning/pins/${requestid}`, { headers: { authorization: `Bearer ${key}` } })
    const { status } = (await res.json()) as { status: string }
    if (status === 'pinned') return
    if (status === 'failed') throw new Error(`PSA pin ${requestid} failed`)
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`PSA pin ${requestid} not pinned after 10 min`)
}

/** Pins `cid` through the PSA API with the peer as origin, and waits until it is pinned. */
export async function psaPin(serveUrl: string, key: string, cid: string, peer: KuboTestNode): Promise<void> {
  const res = await fetch(`${serveUrl}/api/pinning/pins`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ cid, origins: peer.addresses }),
  })
  if (res.status !== 202) throw new Error(`POST /pins: ${res.status} ${await res.text()}`)
  await waitPinned(serveUrl, key, ((await res.json()) as { requestid: string }).requestid)
}

async function stop(serve: ServeProcess): Promise<void> {
  if (serve.child.exitCode !== null) return
  serve.child.kill('SIGTERM')
  await serve.exited
}

export async function footprintRows(options: MetadataRowsOptions = {}): Promise<MetadataRow[]> {
  const smoke = options.smoke ?? false
  const log = options.log ?? ((line: string) => process.stderr.write(`[bench] ${line}\n`))
  const mb = smoke ? 2 : Number(process.env.BENCH_MB ?? 1024)
  const size = { uploads: mb * MiB, psa: mb * MiB, private: smoke ? 256 * 1024 : (mb / 16) * MiB, idleS: smoke ? 3 : 30 }
  const dir = tempDir('tack-bench-footprint-')
  const dataDir = join(dir.path, 'tack')
  const cleanups: Array<() => Promise<void> | void> = [() => dir.remove()]
  try {
    const env = { ...process.env, TACK_DATA_DIR: dataDir }
    const key = (await run(process.execPath, ['bin/tack.js', 'key', 'create', '--name', 'bench'], { cwd: ROOT, env })).stdout.trim()
    const keyHeader = join(dir.path, 'auth.header')
    writeFileSync(keyHeader, `authorization: Bearer ${key}\n`)

    log('idle: tack serve and a plain Kubo daemon, no load')
    const serve = await spawnServe(dataDir)
    cleanups.push(() => stop(serve))
    const tackIdle = await idle(serve.child.pid!, size.idleS)
    const peer = await startKuboNode()
    cleanups.push(() => peer.stop())
    const kuboPid = Number(
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .find((d) => {
          try {
            return readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').includes(`IPFS_PATH=${peer.repo}`)
          } catch {
            return false
          }
        }),
    )
    const kuboIdle = await idle(kuboPid, size.idleS)

    log('disk: uploads (half pinned, half on-demand), PSA pins from a peer, private files')
    const before = disk(dataDir)
    // Files of at most 64 MiB, eight per kind at most.
    const parts = (total: number) => {
      const each = Math.min(64 * MiB, Math.ceil(total / 8))
      return Array.from({ length: Math.ceil(total / each) }, (_, i) => Math.min(each, total - i * each))
    }
    let logical = 0
    const file = join(dir.path, 'content.bin')
    for (const [i, bytes] of parts(size.uploads).entries()) {
      writeRandomFile(file, bytes)
      await put(serve.url, keyHeader, file, `upload-${i}.bin`, i % 2 === 0 ? '&pin=true' : '')
      logical += bytes
    }
    for (const [i, bytes] of parts(size.private).entries()) {
      writeRandomFile(file, bytes)
      await put(serve.url, keyHeader, file, `private-${i}.bin`, '&private=true')
      logical += bytes
    }
    for (const bytes of parts(size.psa)) {
      writeRandomFile(file, bytes)
      const cid = (await peer.ipfs(['add', '-Q', '--cid-version=1', file], { timeoutMs: 600_000 })).trim()
      await psaPin(serve.url, key, cid, peer)
      logical += bytes
    }
    // Pin jobs of the pinned uploads may still be moving bytes out of the object store: wait until the
    // held bytes stop changing for 2 s (at most 2 min).
    let after = disk(dataDir)
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 2000))
      const now = disk(dataDir)
      if (now.held === after.held) break
      after = now
    }
    const held = after.held - before.held
    const withTrash = held + after.trash - before.trash
    return [
      {
        row: 'disk',
        tack: held / MiB,
        anchor: logical / MiB,
        unit: 'MiB',
        ratio: held / logical,
        target: '≤ 1.05',
        note: `du of kubo/ + minio/ over a fresh start, MinIO's trash left out; with the trash ${(withTrash / logical).toFixed(3)}×; ${(size.uploads / MiB).toFixed(1)} MiB uploads (half pin=true, half on-demand), ${(size.psa / MiB).toFixed(1)} MiB PSA-pinned, ${(size.private / MiB).toFixed(2)} MiB private`,
      },
      {
        row: 'idle-rss',
        tack: tackIdle.rssMiB,
        anchor: kuboIdle.rssMiB,
        unit: 'MiB',
        ratio: tackIdle.rssMiB / kuboIdle.rssMiB,
        target: 'Tack ≤ 200 MiB',
        note: `RSS sum of tack serve and its children (Node, Kubo, MinIO, relay), largest over ${size.idleS} s idle; anchor a plain Kubo daemon`,
      },
      {
        row: 'idle-cpu',
        tack: tackIdle.cpu,
        anchor: kuboIdle.cpu,
        unit: '% of a core',
        // A plain Kubo can use no measurable CPU over a short window: the ratio is then against 0.01 %.
        ratio: tackIdle.cpu / Math.max(kuboIdle.cpu, 0.01),
        target: 'Tack ≤ 0.5 %',
        note: `CPU time of the same tree over ${size.idleS} s idle (1/${TICK} s ticks), just after start`,
      },
    ]
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((err: unknown) => log(`cleanup: ${String(err)}`))
  }
}
