// The gateway rows of issue 26 that bench/upload.ts does not cover, each beside Kubo's own gateway (Tack's
// bundled Kubo, reached as bench/kubo-gateway.ts says) on this machine, in interleaved pairs:
//   gateway PSA-pinned   a BENCH_MB MiB file (default 1024; smoke 4) pinned through POST /api/pinning/pins from a
//                        connected peer, read through Tack's gateway (served from Kubo) vs Kubo's gateway, same CID
//   first read small     TTFB of the first read of each of 200 fresh 4 KiB files (smoke 10), each read once:
//                        uploaded to Tack (on-demand, never opened) vs added to Tack's Kubo (`ipfs add` through its
//                        RPC) and read through Kubo's gateway; a new set per side and round; median of each set
// Only reports: nothing is asserted. The harness imports psaGatewayRows() (see bench/rows.md).
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { readConfig } from '../src/main/core/kubo/repo.js'
import { paths } from '../src/main/core/state.js'
import { kuboBinary } from '../tests/fixtures/binaries.js'
import { startKuboNode } from '../tests/fixtures/kubo-node.js'
import { spawnServe } from '../tests/fixtures/serve.js'
import { tempDir } from '../tests/fixtures/tmp.js'
import { psaPin } from './footprint.js'
import { kuboGatewayOf } from './kubo-gateway.js'
import type { MetadataRow, MetadataRowsOptions } from './metadata.js'
import { drain, put, ttfb, writeRandomFile } from './upload.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
const MiB = 1024 * 1024
const PAIRS = 3
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export async function psaGatewayRows(options: MetadataRowsOptions = {}): Promise<MetadataRow[]> {
  const smoke = options.smoke ?? false
  const rounds = options.rounds ?? 3
  const log = options.log ?? ((line: string) => process.stderr.write(`[bench] ${line}\n`))
  const mb = smoke ? 4 : Number(process.env.BENCH_MB ?? 1024)
  const smallCount = smoke ? 10 : 200
  const dir = tempDir('tack-bench-psa-gw-')
  const dataDir = join(dir.path, 'tack')
  const env = { ...process.env, TACK_DATA_DIR: dataDir }
  const key = (await run(process.execPath, ['bin/tack.js', 'key', 'create', '--name', 'bench'], { cwd: ROOT, env })).stdout.trim()
  const keyHeader = join(dir.path, 'auth.header')
  writeFileSync(keyHeader, `authorization: Bearer ${key}\n`)
  const [serve, peer] = await Promise.all([spawnServe(dataDir), startKuboNode()])
  const s = { psa: [] as Array<[number, number]>, small: [] as Array<[number, number]> }
  try {
    const gateway = kuboGatewayOf(dataDir)
    // Tack's Kubo locks its RPC with a bearer secret (API.Authorizations in its config): the CLI presents it.
    const config = readConfig(paths(dataDir).kuboRepo) as { Addresses?: { API?: string | string[] }; API?: { Authorizations?: Record<string, { AuthSecret: string }> } }
    const api = [config.Addresses?.API].flat()[0]!
    const auth = Object.values(config.API?.Authorizations ?? {})[0]?.AuthSecret
    const kuboAdd = async (file: string) =>
      (await run(kuboBinary(), ['--api', api, ...(auth ? ['--api-auth', auth] : []), 'add', '-Q', '--cid-version=1', file])).stdout.trim()

    log(`PSA pin of ${mb} MiB from a peer`)
    const big = join(dir.path, 'big.bin')
    writeRandomFile(big, mb * MiB)
    const cid = (await peer.ipfs(['add', '-Q', '--cid-version=1', big], { timeoutMs: 3_600_000 })).trim()
    await psaPin(serve.url, key, cid, peer)
    for (let round = 0; round < rounds; round++) {
      log(`round ${round + 1}/${rounds}: gateway, PSA-pinned content`)
      for (let pair = 0; pair < PAIRS; pair++) {
        const timed = async (fn: () => Promise<void>) => {
          const start = process.hrtime.bigint()
          await fn()
          return mb / (Number(process.hrtime.bigint() - start) / 1e9)
        }
        const tack = () => timed(() => drain(`${serve.url}/api/gateway/${cid}`, mb * MiB))
        const kubo = () => timed(() => drain(`${gateway.url}/ipfs/${cid}`, mb * MiB, gateway.socketPath))
        s.psa.push((round + pair) % 2 === 0 ? [await tack(), await kubo()] : ([await kubo(), await tack()].reverse() as [number, number]))
      }

      log(`round ${round + 1}/${rounds}: first read of ${smallCount} fresh 4 KiB files`)
      const fresh = async (side: string, add: (file: string, i: number) => Promise<string>) => {
        const cids: string[] = []
        for (let i = 0; i < smallCount; i++) {
          const f = join(dir.path, `${side}-${round}-${i}.bin`)
          writeRandomFile(f, 4096)
          cids.push(await add(f, i))
        }
        return cids
      }
      const tackCids = await fresh('tack', (f, i) => put(serve.url, keyHeader, f, `small-${round}-${i}.bin`))
      const kuboCids = await fresh('kubo', (f) => kuboAdd(f))
      const tackFirst = async () => {
        const xs: number[] = []
        for (const c of tackCids) xs.push(await ttfb(`${serve.url}/api/gateway/${c}`))
        return median(xs)
      }
      const kuboFirst = async () => {
        const xs: number[] = []
        for (const c of kuboCids) xs.push(await ttfb(`${gateway.url}/ipfs/${c}`, gateway.socketPath))
        return median(xs)
      }
      s.small.push(round % 2 === 0 ? [await tackFirst(), await kuboFirst()] : ([await kuboFirst(), await tackFirst()].reverse() as [number, number]))
    }
  } catch (err) {
    log(`tack serve output:\n${serve.output().slice(-4000)}`)
    throw err
  } finally {
    serve.child.kill('SIGTERM')
    await serve.exited
    await peer.stop()
    dir.remove()
  }
  const pair = (xs: Array<[number, number]>) => {
    const mid = [...xs].sort((a, b) => a[0] / a[1] - b[0] / b[1])[Math.floor(xs.length / 2)]!
    return { tack: mid[0], anchor: mid[1], ratio: mid[0] / mid[1], samples: xs }
  }
  return [
    {
      row: 'gateway PSA-pinned',
      ...pair(s.psa),
      unit: 'MB/s',
      target: '≥ 0.95×',
      note: `${mb} MiB pinned through POST /api/pinning/pins from a connected peer, vs Kubo's gateway on the same CID; median of ${s.psa.length} pairs`,
    },
    {
      row: 'first read small files',
      ...pair(s.small),
      unit: 'ms (TTFB)',
      target: '≤ 1.2×',
      note: `median TTFB of the first read of each of ${smallCount} fresh 4 KiB files (on-demand uploads, never opened) vs files just added to Kubo, read through its gateway; median of ${s.small.length} rounds`,
    },
  ]
}
