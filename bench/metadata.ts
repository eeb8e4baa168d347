// The metadata and start-up rows of issue 11, each beside its anchor on this machine, interleaved rounds
// (the order of Tack and anchor alternates per round), so the ratios hold on whatever machine runs it:
//   list-1m      GET /api/pinning/pins?limit=10 p50 with 1M pins in the account vs the same with 1k
//   list-1m <filter>  the same with name (exact, iexact, partial, ipartial), before, after or meta, exact count
//   post-20      POST /api/pinning/pins, 20 clients (autocannon) vs IPFS Cluster's pinning service API
//   remote-add   `ipfs pin remote add` (foreground, 10 MiB from a connected peer) vs `ipfs pin add` there
//   serve-ready  `tack serve` until its API answers, existing repo with 1M pins, vs `ipfs daemon` to ready
//   key-list     `tack key list` vs `node -e 0`
// The 1M pins are seeded through the store's own insert path (transactions of 50k), not over HTTP; they are
// identity CIDs, so Kubo need hold nothing for them. Only reports: speed is never asserted.
import autocannon from 'autocannon'
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { openDb } from '../src/main/core/db/index.js'
import { freePort } from '../src/main/core/kubo/ports.js'
import { createPinStore } from '../src/main/core/pins/store.js'
import { kuboBinary } from '../tests/fixtures/binaries.js'
import { startCluster } from '../tests/fixtures/cluster.js'
import { startKuboNode } from '../tests/fixtures/kubo-node.js'
import { spawnServe, type ServeProcess } from '../tests/fixtures/serve.js'
import { tempDir } from '../tests/fixtures/tmp.js'
import type { BenchRow } from './upload.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9

/** A row of this file: BenchRow with its own units and the raw medians beside the ratio. */
export type MetadataRow = Omit<BenchRow, 'unit'> & {
  unit: string
  note?: string
  rssMiB?: Record<string, number>
  /** Every measured [Tack, anchor] pair, in the order taken (the JSON keeps them; the table shows medians). */
  samples?: Array<[number, number]>
}

export interface MetadataRowsOptions {
  smoke?: boolean
  rounds?: number
  log?: (line: string) => void
}

const tack = (args: string[], dataDir: string) =>
  run(process.execPath, [join(ROOT, 'bin/tack.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, TACK_DATA_DIR: dataDir },
  })

function rssMiB(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)
  return m ? Number(m[1]) / 1024 : 0
}

async function stopServe(serve: ServeProcess): Promise<void> {
  if (serve.child.exitCode !== null) return
  serve.child.kill('SIGTERM')
  await serve.exited
}

/** Pins in `account`, through the store's insert path: identity CIDs (Kubo holds nothing), pinned. Returns the
 *  middle of their created times (the before/after rows' bound: half the pins on each side). */
function seed(dataDir: string, account: string, n: number, from: number): number {
  const db = openDb(join(dataDir, 'tack.db'))
  // Random requestids land all over their index: a large page cache keeps the seeding in memory.
  db.pragma('cache_size = -262144')
  const { id } = db.prepare<[string], { id: number }>('SELECT id FROM accounts WHERE name = ?').get(account)!
  const store = createPinStore(db)
  const BATCH = 50_000
  for (let done = 0; done < n; done += BATCH)
    store.transaction(() => {
      for (let i = done; i < Math.min(n, done + BATCH); i++) {
        const bytes = Buffer.from(`pin-${from + i}`)
        const cid = CID.createV1(0x55, identity.digest(bytes))
        store.insert({
          accountId: id,
          input: {
            cid: {
              cid: cid.toString(),
              multihash: Buffer.from(cid.multihash.bytes).toString('hex'),
              identity: true,
              inlineSize: bytes.length,
            },
            name: `seed-${i}`,
            origins: [],
            // 1000 values: the meta filter's matches grow with the account (1 at 1k pins, 1000 at 1M).
            meta: { batch: String(i % 1000) },
          },
          status: 'pinned',
          deadline: 0,
          dagSize: bytes.length,
          info: { dag_size: String(bytes.length) },
        })
      }
    })
  const { lo, hi } = db.prepare<[number], { lo: number; hi: number }>('SELECT MIN(created_at) AS lo, MAX(created_at) AS hi FROM pins WHERE account_id = ?').get(id)!
  db.close()
  return Math.floor((lo + hi) / 2)
}

/** The filtered listings (issue 26), each with its exact count: query strings by row id. */
const filters = (middle: number): Record<string, string> => ({
  'list-1m name exact': 'name=seed-424',
  'list-1m name iexact': 'name=SEED-424&match=iexact',
  'list-1m name partial': 'name=ed-424&match=partial',
  'list-1m name ipartial': 'name=ED-424&match=ipartial',
  'list-1m before': `before=${new Date(middle).toISOString()}`,
  'list-1m after': `after=${new Date(middle).toISOString()}`,
  'list-1m meta': `meta=${encodeURIComponent('{"batch":"42"}')}`,
})

/** p50 of `count` sequential keep-alive GETs, ms. */
async function p50(url: string, key: string, count: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint()
    await new Promise<void>((resolve, reject) => {
      const req = request(url, { agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`GET ${url}: ${res.statusCode}`))
        res.resume().on('end', resolve)
      })
      req.on('error', reject).end()
    })
    times.push(seconds(start) * 1000)
  }
  agent.destroy()
  return median(times)
}

/** POSTs of fresh CIDs (taken in order from `cids`) by 20 clients for `duration` s; requests per second. */
async function postRate(
  url: string,
  headers: Record<string, string>,
  cids: string[],
  duration: number,
): Promise<number> {
  let next = 0
  const result = await autocannon({
    url,
    connections: 20,
    duration,
    headers: { 'content-type': 'application/json', ...headers },
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ cid: cids[next++ % cids.length] }) }),
      },
    ],
  })
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`POST ${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.average
}

async function randomCids(n: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, async () => CID.createV1(0x55, await sha256.digest(randomBytes(32))).toString()),
  )
}

/**
 * `tack serve` on a free port: seconds until its API answers an authenticated listing (what a client waits
 * for; Kubo's "Daemon is ready" likewise means its API serves), and until its banner, printed once the
 * whole start is done (MinIO, which the API does not wait for, included).
 */
async function startServeTimed(
  dataDir: string,
  key: string,
): Promise<{ serve: ServeProcess; apiS: number; bannerS: number }> {
  const port = await freePort()
  const start = process.hrtime.bigint()
  let apiS: number | undefined
  let giveUp = false
  const poll = (async () => {
    while (apiS === undefined && !giveUp) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/pinning/pins?limit=1`, {
        headers: { authorization: `Bearer ${key}` },
      })
        .then((r) => r.status === 200)
        .catch(() => false)
      if (ok) apiS = seconds(start)
      else await new Promise((r) => setTimeout(r, 10))
    }
  })()
  try {
    const serve = await spawnServe(dataDir, { TACK_PORT: String(port) })
    const bannerS = seconds(start)
    await poll
    return { serve, apiS: apiS!, bannerS }
  } finally {
    giveUp = true
    await poll
  }
}

/** `ipfs daemon` on an existing repo (test profile, no routing), seconds until it reports ready. */
async function kuboReady(repo: string): Promise<number> {
  const env = { ...process.env, IPFS_PATH: repo, IPFS_TELEMETRY: 'off' }
  const start = process.hrtime.bigint()
  const child = spawn(kuboBinary(), ['daemon', '--migrate=false'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const ready = await new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString()
      if (out.includes('Daemon is ready')) resolve(seconds(start))
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', () => reject(new Error(`ipfs daemon exited:\n${out}`)))
  })
  const gone = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await gone
  return ready
}

async function kuboRepo(): Promise<{ path: string; remove(): void }> {
  const dir = tempDir('tack-bench-kubo-')
  const env = { ...process.env, IPFS_PATH: dir.path, IPFS_TELEMETRY: 'off' }
  await run(kuboBinary(), ['init', '--profile', 'test', '--empty-repo'], { env })
  for (const [key, value] of Object.entries({ 'Routing.Type': 'none', 'AutoConf.Enabled': false, 'DNS.Resolvers': {} }))
    await run(kuboBinary(), ['config', '--json', key, JSON.stringify(value)], { env })
  return dir
}

async function spawnTimes(cmd: string[], env: NodeJS.ProcessEnv, n: number): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint()
    await run(cmd[0]!, cmd.slice(1), { cwd: ROOT, env: { ...process.env, ...env } })
    times.push(seconds(start))
  }
  return median(times)
}

export async function metadataRows(options: MetadataRowsOptions = {}): Promise<MetadataRow[]> {
  const smoke = options.smoke ?? false
  const rounds = options.rounds ?? 3
  const log = options.log ?? ((line: string) => process.stderr.write(`[bench] ${line}\n`))
  const size = smoke
    ? { small: 100, big: 1000, gets: 20, postSeconds: 1, fileBytes: 256 * 1024, spawns: 2, remotePairs: 1 }
    : { small: 1000, big: 1_000_000, gets: 300, postSeconds: 5, fileBytes: 10 * 1024 * 1024, spawns: 5, remotePairs: 3 }
  const dirs = { small: tempDir('tack-bench-small-'), big: tempDir('tack-bench-big-') }
  const cleanups: Array<() => Promise<void> | void> = [() => dirs.small.remove(), () => dirs.big.remove()]
  const s = {
    list: [] as Array<[number, number]>,
    post: [] as Array<[number, number]>,
    remote: [] as Array<[number, number]>,
    ready: [] as Array<[number, number]>,
    readyBig: [] as number[],
    banner: [] as number[],
    keyList: [] as Array<[number, number]>,
    filtered: {} as Record<string, Array<[number, number]>>,
  }
  const rss: Record<string, number> = {}
  try {
    // One repo with two accounts: `small` (1k pins) and `big` (1M pins); keys for each.
    const keys: Record<string, string> = {}
    for (const name of ['small', 'big']) {
      await tack(['account', 'create', name], dirs.small.path)
      keys[name] = (await tack(['key', 'create', '--name', name, '--account', name], dirs.small.path)).stdout.trim()
    }
    keys.owner = (await tack(['key', 'create', '--name', 'owner'], dirs.small.path)).stdout.trim()
    // The POST row runs on a Tack of its own: its thousands of unfindable CIDs would queue ahead of the
    // `pin remote add` row's pins.
    const postDir = tempDir('tack-bench-post-')
    cleanups.push(() => postDir.remove())
    keys.post = (await tack(['key', 'create', '--name', 'post'], postDir.path)).stdout.trim()
    log(`seeding ${size.small} + ${size.big} pins`)
    const t = process.hrtime.bigint()
    const middle = { small: seed(dirs.small.path, 'small', size.small, 0), big: seed(dirs.small.path, 'big', size.big, size.small) }
    log(`seeded in ${seconds(t).toFixed(1)} s`)
    // The 1M-pin repo for the start-up row is the same repo: the big account's pins are in it.
    const kubo = await kuboRepo()
    cleanups.push(() => kubo.remove())
    await kuboReady(kubo.path) // the first start migrates and warms caches for both
    for (let r = 0; r < rounds; r++) {
      const tackFirst = r % 2 === 0
      log(`round ${r + 1}/${rounds}: start-up`)
      const startTack = async () => {
        const r = await startServeTimed(dirs.small.path, keys.small!)
        s.banner.push(r.bannerS)
        return { serve: r.serve, s: r.apiS }
      }
      let serve: ServeProcess | undefined
      let tackS = 0
      let kuboS = 0
      if (!tackFirst) kuboS = await kuboReady(kubo.path)
      ;({ serve, s: tackS } = await startTack())
      if (tackFirst) {
        await stopServe(serve)
        kuboS = await kuboReady(kubo.path)
        ;({ serve } = await startTack())
      }
      s.ready.push([tackS, kuboS])
      s.readyBig.push(tackS)
      rss.idleAt1M = Math.max(rss.idleAt1M ?? 0, rssMiB(serve.child.pid!))
      try {
        log(`round ${r + 1}/${rounds}: listing`)
        const list = `${serve.url}/api/pinning/pins?limit=10`
        const order = tackFirst ? ['small', 'big'] : ['big', 'small']
        const got: Record<string, number> = {}
        for (const who of order) got[who] = await p50(list, keys[who]!, size.gets)
        s.list.push([got.big!, got.small!])
        for (const [row, query] of Object.entries(filters(middle.small))) {
          // The time bound is each account's own middle: half its pins on each side.
          const url = (who: string) => `${serve!.url}/api/pinning/pins?${who === 'big' ? filters(middle.big)[row] : query}&limit=10`
          const at: Record<string, number> = {}
          for (const who of order) at[who] = await p50(url(who), keys[who]!, size.gets)
          ;(s.filtered[row] ??= []).push([at.big!, at.small!])
        }
        rss.afterListing = Math.max(rss.afterListing ?? 0, rssMiB(serve.child.pid!))

        log(`round ${r + 1}/${rounds}: key list`)
        const keyList = () =>
          spawnTimes([process.execPath, 'bin/tack.js', 'key', 'list'], { TACK_DATA_DIR: dirs.small.path }, size.spawns)
        const nodeNothing = () => spawnTimes([process.execPath, '-e', '0'], {}, size.spawns)
        s.keyList.push(
          tackFirst
            ? [await keyList(), await nodeNothing()]
            : ([await nodeNothing(), await keyList()].reverse() as [number, number]),
        )
      } finally {
        await stopServe(serve)
      }
    }

    // POST and `pin remote add` against one running Tack, one cluster peer and two plain Kubo nodes.
    log('starting IPFS Cluster, two Kubo nodes and tack serve')
    const cluster = await startCluster(1)
    cleanups.push(() => cluster.stop())
    const pinsvc = JSON.parse(readFileSync(join(cluster.peers[0]!.path, 'service.json'), 'utf8')).api.pinsvcapi
      .http_listen_multiaddress as string
    const pinsvcUrl = `http://127.0.0.1:${pinsvc.split('/')[4]}/pins`
    const user = await startKuboNode()
    cleanups.push(() => user.stop())
    const other = await startKuboNode()
    cleanups.push(() => other.stop())
    await other.ipfs(['swarm', 'connect', user.addresses[0]!])
    const serve = await spawnServe(dirs.small.path)
    cleanups.push(() => stopServe(serve))
    // The POST row measures how fast pin objects are taken, with IPFS Cluster's unbounded queue as its anchor:
    // the per-account cap on queued pins (TACK_MAX_PENDING_PINS, a guard against floods) is lifted for it.
    const postServe = await spawnServe(postDir.path, { TACK_MAX_PENDING_PINS: String(1e9) })
    cleanups.push(() => stopServe(postServe))
    await user.ipfs(['pin', 'remote', 'service', 'add', 'tack', `${serve.url}/api/pinning`, keys.owner!])
    const file = join(dirs.big.path, 'content.bin')
    const addFresh = async () => {
      writeFileSync(file, randomBytes(size.fileBytes))
      return (await user.ipfs(['add', '-Q', '--cid-version=1', file])).trim()
    }
    // Both sides warmed alike before any round counts: a freshly started process (V8's JIT, Go's heap,
    // first pages of their stores) made round 1 the slow one for each.
    log('warm-up: 1 s of POSTs to each')
    const warmCids = await randomCids(20_000)
    await postRate(`${postServe.url}/api/pinning/pins`, { authorization: `Bearer ${keys.post}` }, warmCids, 1)
    await postRate(pinsvcUrl, {}, warmCids, 1)
    for (let r = 0; r < rounds; r++) {
      const tackFirst = r % 2 === 0
      log(`round ${r + 1}/${rounds}: POST, 20 clients`)
      const cids = await randomCids(50_000)
      const rates: number[] = []
      const post = {
        tack: () =>
          postRate(
            `${postServe.url}/api/pinning/pins`,
            { authorization: `Bearer ${keys.post}` },
            cids,
            size.postSeconds,
          ),
        cluster: () => postRate(pinsvcUrl, {}, cids, size.postSeconds),
      }
      for (const who of tackFirst ? (['tack', 'cluster'] as const) : (['cluster', 'tack'] as const))
        rates[who === 'tack' ? 0 : 1] = await post[who]()
      s.post.push([rates[0]!, rates[1]!])

      log(`round ${r + 1}/${rounds}: pin remote add vs pin add`)
      const timeOf = async (fn: () => Promise<unknown>) => {
        const start = process.hrtime.bigint()
        await fn()
        return seconds(start)
      }
      const remote = async () => {
        const cid = await addFresh()
        return timeOf(() =>
          user.ipfs(['pin', 'remote', 'add', '--service=tack', `--name=bench-${r}`, cid], { timeoutMs: 120_000 }),
        )
      }
      const local = async () => {
        const cid = await addFresh()
        return timeOf(() => other.ipfs(['pin', 'add', cid], { timeoutMs: 120_000 }))
      }
      // Several pairs per round: one `pin remote add` is a single run of about 0.2 s on a shared machine, where
      // one stray process moves it by 10 %; the row is the median ratio of every pair.
      for (let p = 0; p < size.remotePairs; p++)
        s.remote.push(
          (tackFirst ? p % 2 === 0 : p % 2 === 1)
            ? [await remote(), await local()]
            : ([await local(), await remote()].reverse() as [number, number]),
        )
    }
    rss.afterLoad = rssMiB(serve.child.pid!)
  } finally {
    for (const cleanup of cleanups.reverse())
      await Promise.resolve(cleanup()).catch((err: unknown) => log(`cleanup: ${String(err)}`))
  }

  // Tack and anchor are the pair whose ratio is the median, so that the two columns divide to the ratio shown.
  const pair = (xs: Array<[number, number]>) => {
    const mid = [...xs].sort((a, b) => a[0] / a[1] - b[0] / b[1])[Math.floor(xs.length / 2)]!
    return { tack: mid[0], anchor: mid[1], ratio: mid[0] / mid[1], samples: xs }
  }
  return [
    {
      row: 'list-1m',
      ...pair(s.list),
      unit: 'ms (p50)',
      target: 'p50 ≤ 2 ms; 1M ÷ 1k ≤ 1.3×',
      note: `${size.big} vs ${size.small} pins`,
      rssMiB: rss,
    },
    ...Object.entries(s.filtered).map(([row, xs]) => ({
      row,
      ...pair(xs),
      unit: 'ms (p50)',
      target: /partial/.test(row) ? 'p50 ≤ 50 ms at 1M' : 'p50 ≤ 10 ms at 1M',
      note: `GET /api/pinning/pins?${filters(0)[row]!.replace(/=\d{4}-\S+$/, '=<middle>')}&limit=10 with its exact count; ${size.big} vs ${size.small} pins`,
    })),
    { row: 'post-20', ...pair(s.post), unit: 'req/s', target: '≥ 2.0×', note: 'vs IPFS Cluster pinsvc API' },
    {
      row: 'remote-add',
      ...pair(s.remote),
      unit: 's',
      target: '≤ 1.2×',
      note: `${(size.fileBytes / 1024 / 1024).toFixed(2)} MiB from a connected peer; median of ${s.remote.length} pairs (${size.remotePairs} per round)`,
    },
    {
      row: 'serve-ready',
      ...pair(s.ready),
      unit: 's',
      target: '≤ 1.0 s; ≤ 2 s at 1M pins',
      note: `repo holds ${size.big + size.small} pins; Tack = its API answers a listing; whole start (banner, MinIO ready) ${median(s.banner).toFixed(2)} s`,
    },
    { row: 'key-list', ...pair(s.keyList), unit: 's', target: '≤ 0.3 s' },
  ]
}
