// A small POST /api/pinning/pins load against one `tack serve` for profiling (not a bench row): creates a
// data dir and a key, starts serve with any extra Node flags from TACK_PROFILE_NODE_ARGS (e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/prof"), runs 20 autocannon clients of fresh CIDs for PROFILE_SECONDS
// (default 5), prints req/s and the process's load average, then stops serve with SIGTERM (so a CPU profile
// is written). Usage: npx tsx bench/profile-post.ts
import autocannon from 'autocannon'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { spawnServe } from '../tests/fixtures/serve.js'
import { tempDir } from '../tests/fixtures/tmp.js'

const run = promisify(execFile)

/** CPU seconds (user + system) of every process, by pid, from /proc. */
function cpuTimes(): Map<number, { name: string; s: number }> {
  const times = new Map<number, { name: string; s: number }>()
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      times.set(Number(pid), { name, s: (Number(fields[11]) + Number(fields[12])) / 100 })
    } catch {
      // gone meanwhile
    }
  }
  return times
}
const ROOT = join(import.meta.dirname, '..')
const dir = tempDir('tack-prof-post-')
try {
  const env = { ...process.env, TACK_DATA_DIR: dir.path }
  const key = (
    await run(process.execPath, ['bin/tack.js', 'key', 'create', '--name', 'p'], { cwd: ROOT, env })
  ).stdout.trim()
  const nodeArgs = (process.env.TACK_PROFILE_NODE_ARGS ?? '').split(' ').filter(Boolean)
  // CIDs first, so a CPU profile of serve is mostly the load itself.
  const cids = await Promise.all(
    Array.from({ length: 60_000 }, async () => CID.createV1(0x55, await sha256.digest(randomBytes(32))).toString()),
  )
  const serve = await spawnServe(dir.path, {}, [...nodeArgs, 'bin/tack.js', 'serve'])
  const before = cpuTimes()
  let next = 0
  const result = await autocannon({
    url: `${serve.url}/api/pinning/pins`,
    connections: 20,
    duration: Number(process.env.PROFILE_SECONDS ?? 5),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ cid: cids[next++ % cids.length] }) }),
      },
    ],
  })
  console.log(
    `POST: ${result.requests.average} req/s, p50 ${result.latency.p50} ms, non2xx ${result.non2xx}, errors ${result.errors}; load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  )
  // CPU seconds each process spent during the load (Tack, its Kubo and MinIO, this client), busiest first.
  const after = cpuTimes()
  const spent = [...after].map(([pid, { name, s }]) => [`${name} ${pid}`, s - (before.get(pid)?.s ?? 0)] as const)
  console.log(
    spent
      .filter(([, s]) => s > 0.05)
      .sort((a, b) => b[1] - a[1])
      .map(([n, s]) => `${n}: ${s.toFixed(2)} s`)
      .join('; '),
  )
  serve.child.kill('SIGTERM')
  await serve.exited
} finally {
  dir.remove()
}
