// The flood row of issue 25: for 60 s one ordinary account's key (files:write and pins:write, no admin)
// and one LAN peer do what an attacker with them would, all at once:
//   - small raw uploads from 32 connections, and pins of content nobody has with 3 KiB of meta each (under the meta limit)
//     from 16 (the queue a pin limit must cap);
//   - 100 uploads that send their headers and a few bytes, then stall (what the upload limits must bound);
//   - the LAN peer: thousands of idle sockets (what the LAN connection cap must bound) and gateway reads
//     from 32 connections.
// Meanwhile an admin asks `/api/status` every 50 ms. The row is its p99 under the flood beside its p99 with
// no flood just before (the anchor); the note has the peak RSS of each process of the tree against its cap.
// Only reports, never asserts.
import autocannon from 'autocannon'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { freePort } from '../src/main/core/kubo/ports.js'
import { spawnServe } from '../tests/fixtures/serve.js'
import { tempDir } from '../tests/fixtures/tmp.js'
import type { MetadataRow, MetadataRowsOptions } from './metadata.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')

/** What each process of the tree may reach under the flood (MiB), by its command name. */
const RSS_CAP_MIB: Record<string, number> = { node: 512, ipfs: 1024, minio: 1024, 'tack-launcher': 256 }

const tack = async (args: string[], dataDir: string) =>
  (
    await run(process.execPath, [join(ROOT, 'bin/tack.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, TACK_DATA_DIR: dataDir },
    })
  ).stdout.trim()

/** The pid and its descendants, by command name (the largest RSS of each name). */
function treeRss(root: number): Record<string, number> {
  const out: Record<string, number> = {}
  const walk = (pid: number) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      const name = status.match(/^Name:\s+(\S+)/m)?.[1] ?? String(pid)
      const rss = Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) / 1024
      out[name] = Math.max(out[name] ?? 0, rss)
      for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/))
        if (task) walk(Number(task))
    } catch {
      // The process went between two reads.
    }
  }
  walk(root)
  return out
}

/** Latencies (ms) of GET /api/status every `everyMs` until `signal` aborts; failures count as the time taken. */
async function sampleStatus(url: string, key: string, everyMs: number, signal: AbortSignal): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const times: number[] = []
  while (!signal.aborted) {
    const start = performance.now()
    await new Promise<void>((resolve) => {
      const req = request(`${url}/api/status`, { agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
        res.resume()
        res.on('end', resolve)
        res.on('error', () => resolve())
      })
      req.setTimeout(10_000, () => req.destroy())
      req.on('error', () => resolve())
      req.end()
    })
    times.push(performance.now() - start)
    await new Promise((r) => setTimeout(r, everyMs))
  }
  agent.destroy()
  return times
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] ?? NaN

/** Sockets that connect and then say nothing (or a stalled upload's first bytes). */
function openSockets(port: number, n: number, first?: (i: number) => string): Socket[] {
  const sockets: Socket[] = []
  for (let i = 0; i < n; i++) {
    const s = connect(port, '127.0.0.1')
    s.on('error', () => {})
    if (first) s.once('connect', () => s.write(first(i)))
    sockets.push(s)
  }
  return sockets
}

export async function floodRows(options: MetadataRowsOptions = {}): Promise<MetadataRow[]> {
  const { smoke = false, log = () => {} } = options
  const seconds = smoke ? 3 : 60
  const dir = tempDir('tack-bench-flood-')
  const lanPort = await freePort()
  try {
    await tack(['account', 'create', 'flood', '--quota', String(256 * 2 ** 20)], dir.path)
    const admin = await tack(['key', 'create', '--name', 'admin', '--scope', 'admin', '--scope', 'files:read'], dir.path)
    const key = await tack(
      ['key', 'create', '--name', 'flood', '--account', 'flood', '--scope', 'files:write', '--scope', 'pins:write'],
      dir.path,
    )
    // TACK_PROFILE_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles the server under the flood.
    const nodeArgs = (process.env.TACK_PROFILE_NODE_ARGS ?? '').split(' ').filter(Boolean)
    const env = { TACK_LAN: '1', TACK_LAN_PORT: String(lanPort) }
    const serve = await spawnServe(dir.path, env, [...nodeArgs, 'bin/tack.js', 'serve'])
    const apiPort = Number(new URL(serve.url).port)
    try {
      const auth = { authorization: `Bearer ${key}` }
      const put = await fetch(`${serve.url}/api/files?name=shared.bin`, { method: 'PUT', headers: auth, body: randomBytes(64 * 1024) })
      const { cid: shared } = (await put.json()) as { cid: string }

      const idle = new AbortController()
      setTimeout(() => idle.abort(), smoke ? 1000 : 10_000)
      const anchor = p99(await sampleStatus(serve.url, admin, 50, idle.signal))
      log(`flood: /api/status p99 with no flood ${anchor.toFixed(1)} ms; flooding for ${seconds} s`)

      const flood = new AbortController()
      const peak: Record<string, number> = {}
      const rssTimer = setInterval(() => {
        for (const [name, mib] of Object.entries(treeRss(serve.child.pid!))) peak[name] = Math.max(peak[name] ?? 0, mib)
      }, 500)
      const sampled = sampleStatus(serve.url, admin, 50, flood.signal)
      const stalled = openSockets(apiPort, smoke ? 10 : 100, () =>
        `PUT /api/files?name=stall.bin HTTP/1.1\r\nHost: 127.0.0.1:${apiPort}\r\nAuthorization: Bearer ${key}\r\n` +
        'Content-Length: 104857600\r\n\r\n' + 'x'.repeat(1024),
      )
      const lanIdle = openSockets(lanPort, smoke ? 200 : 8000)
      const pinBody = async () =>
        JSON.stringify({
          cid: CID.createV1(0x55, await sha256.digest(randomBytes(32))).toString(),
          meta: { blob: 'm'.repeat(3 * 1024) },
        })
      const bodies = await Promise.all(Array.from({ length: 256 }, pinBody))
      const cannon = (opts: autocannon.Options) =>
        new Promise<autocannon.Result>((resolve, reject) =>
          autocannon({ duration: seconds, ...opts }, (err, result) => (err ? reject(err) : resolve(result))),
        )
      let n = 0
      const results = await Promise.all([
        cannon({ url: `${serve.url}/api/files?name=f.bin`, method: 'PUT', connections: 32, headers: auth, body: randomBytes(4096) }),
        cannon({
          url: `${serve.url}/api/pinning/pins`,
          method: 'POST',
          connections: 16,
          headers: { ...auth, 'content-type': 'application/json' },
          requests: [{ setupRequest: (req) => ({ ...req, body: bodies[n++ % bodies.length] }) }],
        }),
        cannon({ url: `http://127.0.0.1:${lanPort}/api/gateway/${shared}`, connections: 32 }),
      ])
      flood.abort()
      clearInterval(rssTimer)
      const times = await sampled
      for (const s of [...stalled, ...lanIdle]) s.destroy()
      const flooded = p99(times)
      const over = Object.entries(peak).filter(([name, mib]) => mib > (RSS_CAP_MIB[name] ?? Infinity))
      const codes = results.map((r) => `${r.requests.total} req (${r['2xx']} 2xx, ${r.non2xx} other, ${r.errors} errors)`)
      log(`flood: /api/status p99 ${flooded.toFixed(1)} ms under the flood; ${codes.join('; ')}`)
      return [
        {
          row: `admin /api/status p99 under a ${seconds} s flood (a files:write key + a LAN peer)`,
          tack: flooded,
          anchor,
          unit: 'ms',
          ratio: flooded - anchor,
          target: 'p99 ≤ 100 ms (Tack column); no process above its RSS cap',
          note: [
            `${times.length} samples; anchor: p99 with no flood`,
            `uploads ${codes[0]}, pins ${codes[1]}, LAN reads ${codes[2]}`,
            `caps MiB ${Object.entries(RSS_CAP_MIB).map(([k, v]) => `${k} ${v}`).join(', ')}`,
            over.length ? `OVER CAP: ${over.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}` : 'none over its cap',
            `still serving: ${serve.child.exitCode === null && existsSync(`/proc/${serve.child.pid}`)}`,
          ].join('; '),
          rssMiB: peak,
        },
      ]
    } finally {
      serve.child.kill('SIGTERM')
      await serve.exited
    }
  } finally {
    dir.remove()
  }
}
