// Where a gateway read's CPU goes (not a bench row): uploads MB MiB (default 512) with ?pin=true to a fresh
// `tack serve`, waits until it is pinned, then reads it twice each way, interleaved: through Tack's gateway
// (which serves it from MinIO), with MinIO's own GET of the same object (presigned), from Kubo's own gateway,
// and through a bare node:http proxy in front of Kubo's gateway (the least any Node relay does). Prints MB/s,
// the machine's busy CPU-s (all processes and the kernel, from /proc/stat) and the CPU seconds each process
// spent (from /proc) per read. Tack's gateway sends such a read through its byte relay (tack-launcher,
// src/main/core/relay): its CPU shows as tack-launcher's. The client here is Node's http client, whose own CPU
// per read moves about threefold from run to run (V8 mark-compacts, see drain() in bench/upload.ts, which
// uses curl for that reason): compare the servers' figures, and the client's only within one run.
// Usage: npx tsx bench/relay-cpu.ts     (MB=256 for a quicker run; TACK_PROFILE_NODE_ARGS as in profile-post.ts)
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { Agent, request, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import { Client } from 'minio'
import { spawnServe } from '../tests/fixtures/serve.js'
import { tempDir } from '../tests/fixtures/tmp.js'
import { kuboGatewayOf } from './kubo-gateway.js'

const MiB = 1024 * 1024
const mb = Number(process.env.MB ?? 512)
const ROOT = join(import.meta.dirname, '..')
const agent = new Agent({ keepAlive: true })

/** CPU seconds (user + system) by "name:pid", from /proc. */
function cpuTimes(): Map<string, number> {
  const times = new Map<string, number>()
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      times.set(`${name}:${pid}`, (Number(fields[11]) + Number(fields[12])) / 100)
    } catch {
      // gone meanwhile
    }
  }
  return times
}

/** CPU seconds the whole machine was busy (not idle or waiting), from /proc/stat. */
function busy(): number {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number)
  return (ticks.reduce((a, b) => a + b, 0) - ticks[3]! - ticks[4]!) / 100
}

function drain(url: string, socketPath?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    request(url, { agent, socketPath }, (res) => res.resume().on('end', resolve).on('error', reject))
      .on('error', reject)
      .end()
  })
}

const dir = tempDir('tack-relay-cpu-')
const env = { ...process.env, TACK_DATA_DIR: dir.path }
const run = promisify(execFile)
const key = (await run(process.execPath, ['bin/tack.js', 'key', 'create', '--name', 'r'], { cwd: ROOT, env })).stdout.trim()
const nodeArgs = (process.env.TACK_PROFILE_NODE_ARGS ?? '').split(' ').filter(Boolean)
const serve = await spawnServe(dir.path, {}, [...nodeArgs, 'bin/tack.js', 'serve'])
// The bare relay runs in a process of its own, as Tack does.
const relaySource = `
  const { createServer, request, Agent } = require('node:http')
  const agent = new Agent({ keepAlive: true })
  const server = createServer((req, res) => request(process.argv[1], { agent, socketPath: process.argv[2] || undefined }, (up) => {
    res.writeHead(up.statusCode, { 'content-length': up.headers['content-length'] })
    up.pipe(res)
  }).end())
  server.listen(0, '127.0.0.1', () => console.log(server.address().port))`
try {
  const file = join(dir.path, 'content.bin')
  writeFileSync(file, randomBytes(mb * MiB))
  const auth = { authorization: `Bearer ${key}` }
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(`${serve.url}/api/files?name=content.bin&pin=true`, { method: 'PUT', agent, headers: { ...auth, 'content-length': String(mb * MiB) } }, resolve)
    req.on('error', reject)
    pipeline(createReadStream(file, { highWaterMark: MiB }), req).catch(reject)
  })
  let text = ''
  for await (const chunk of res) text += String(chunk)
  const cid = (JSON.parse(text) as { cid: string }).cid
  for (;;) {
    const state = ((await (await fetch(`${serve.url}/api/files/${cid}`, { headers: auth })).json()) as { state: string }).state
    if (state === 'pinned') break
    await new Promise((r) => setTimeout(r, 200))
  }
  const gateway = kuboGatewayOf(dir.path)
  const kubo = `${gateway.url}/ipfs/${cid}`
  const relay = spawn(process.execPath, ['-e', relaySource, kubo, gateway.socketPath ?? ''], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    const port = await new Promise<string>((resolve) => relay.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())))
    const who = (k: string) => {
      const pid = Number(k.split(':')[1])
      return pid === serve.child.pid ? 'tack' : pid === relay.pid ? 'relay' : pid === process.pid ? 'client' : k.split(':')[0]
    }
    const minio = JSON.parse(readFileSync(join(dir.path, 'minio.json'), 'utf8')) as {
      accessKey: string
      secretKey: string
      apiPort: number
    }
    const { accessKey, secretKey, apiPort } = minio
    const s3 = new Client({ endPoint: '127.0.0.1', port: apiPort, useSSL: false, accessKey, secretKey, pathStyle: true })
    let objectKey = ''
    for await (const o of s3.listObjectsV2('tack', 'uploads/', true) as AsyncIterable<{ name: string; size: number }>)
      if (o.size === mb * MiB) objectKey = o.name
    const reads: Array<[string, string, string?]> = [
      ['Tack gateway', `${serve.url}/api/gateway/${cid}`],
      ["MinIO's own GET", await s3.presignedGetObject('tack', objectKey, 3600)],
      ["Kubo's gateway", kubo, gateway.socketPath],
      ['bare node:http relay', `http://127.0.0.1:${port}/`],
    ]
    for (const [name, url, socketPath] of [...reads, ...reads]) {
      const before = cpuTimes()
      const busyBefore = busy()
      const start = performance.now()
      await drain(url, socketPath)
      const seconds = (performance.now() - start) / 1000
      const machine = busy() - busyBefore
      const spent = [...cpuTimes()]
        .map(([k, s]) => [who(k), s - (before.get(k) ?? s)] as const)
        .filter(([, s]) => s >= 0.02)
        .sort((a, b) => b[1] - a[1])
      const each = spent.map(([n, s]) => `${n} ${s.toFixed(2)}`).join(', ')
      console.log(`${name}: ${(mb / seconds).toFixed(0)} MiB/s; busy CPU-s ${machine.toFixed(2)}; ${each}`)
    }
  } finally {
    relay.kill()
  }
} finally {
  agent.destroy()
  serve.child.kill('SIGTERM')
  await serve.exited
  dir.remove()
}
