// The shell's responsiveness row of issue 28: the desktop's main process drives windows, tray and menus, so its
// event loop must not wait on the core. Measured here as that process's event-loop delay p99
// (perf_hooks.monitorEventLoopDelay) while it streams a BENCH_MB MiB upload (default 1024) to the core, as
// src/main/uploads.ts does for a dropped file, and another process (the renderer's stand-in) lists all 10k pins
// of the account page by page, over and over (tests/fixtures/loop-load.ts). Tack: the core in its own process
// (src/main/core-host, as the desktop runs it); anchor: the core in the measuring process (the old way).
// Interleaved rounds, fresh data dir each time. Only reports, never asserts.
import { join } from 'node:path'
import { configFromEnv, parseConfig } from '../src/main/core/config.js'
import { createCore } from '../src/main/core/index.js'
import { silentLogger } from '../src/main/core/log.js'
import { kuboBinary } from '../tests/fixtures/binaries.js'
import { hostedTack } from '../tests/fixtures/core-host.js'
import { measureLoopUnderLoad, randomFile, seedOwnerPins, type LoopLoadResult } from '../tests/fixtures/loop-load.js'
import { tempDir } from '../tests/fixtures/tmp.js'
import type { MetadataRow, MetadataRowsOptions } from './metadata.js'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

interface Size {
  mb: number
  pins: number
  /** The idle sample before each load (the machine's floor, in the note). */
  idleMs: number
}

async function inChild(size: Size, file: string): Promise<LoopLoadResult> {
  const dir = tempDir('tack-bench-loop-')
  try {
    seedOwnerPins(dir.path, size.pins)
    const { host } = hostedTack(dir.path)
    await host.start()
    try {
      return await measureLoopUnderLoad({ url: host.url(), token: host.localToken, file, idleMs: size.idleMs })
    } finally {
      await host.stop()
    }
  } finally {
    dir.remove()
  }
}

async function inProcess(size: Size, file: string): Promise<LoopLoadResult> {
  const dir = tempDir('tack-bench-loop-')
  try {
    seedOwnerPins(dir.path, size.pins)
    const config = parseConfig(
      configFromEnv({}, { dataDir: dir.path, port: 0, ipfsNetwork: 'local', kuboBinary: kuboBinary() }),
    )
    const core = createCore(config, silentLogger)
    await core.start()
    try {
      return await measureLoopUnderLoad({ url: core.url(), token: core.localToken, file, idleMs: size.idleMs })
    } finally {
      await core.stop()
    }
  } finally {
    dir.remove()
  }
}

export async function shellLoopRows(options: MetadataRowsOptions = {}): Promise<MetadataRow[]> {
  const { smoke = false, rounds = 3, log = () => {} } = options
  const size: Size = smoke
    ? { mb: 2, pins: 100, idleMs: 200 }
    : { mb: Number(process.env.BENCH_MB ?? 1024), pins: 10_000, idleMs: 2000 }
  const files = tempDir('tack-bench-loop-file-')
  try {
    const file = randomFile(join(files.path, 'upload.bin'), size.mb)
    const samples: Array<[LoopLoadResult, LoopLoadResult]> = []
    for (let round = 0; round < rounds; round++) {
      // The order alternates per round, so neither side always runs on a warmer machine.
      const childFirst = round % 2 === 0
      const a = childFirst ? await inChild(size, file) : await inProcess(size, file)
      const b = childFirst ? await inProcess(size, file) : await inChild(size, file)
      const [child, own] = childFirst ? [a, b] : [b, a]
      log(
        `shell-loop round ${round + 1}: p99 ${child.p99Ms.toFixed(1)} ms (core in its own process) vs ${own.p99Ms.toFixed(1)} ms (in process)`,
      )
      samples.push([child, own])
    }
    const tack = median(samples.map(([c]) => c.p99Ms))
    const anchor = median(samples.map(([, o]) => o.p99Ms))
    const max = (pick: (r: LoopLoadResult) => number, side: 0 | 1) => Math.max(...samples.map((s) => pick(s[side])))
    return [
      {
        row: `shell event-loop p99 under a ${size.mb} MiB upload and ${size.pins} pins listed`,
        tack,
        anchor,
        unit: 'ms',
        ratio: tack - anchor,
        target: '≤ 20 ms on the Tack column',
        note:
          `anchor: the core in the shell's process; this process idle just before: p99 ${median(samples.flatMap((s) => [s[0].idleP99Ms, s[1].idleP99Ms])).toFixed(1)} ms; max delay ${max((r) => r.maxMs, 0).toFixed(0)} ms vs ${max((r) => r.maxMs, 1).toFixed(0)} ms; ` +
          `upload ${median(samples.map(([c]) => c.uploadSeconds)).toFixed(1)} s vs ${median(samples.map(([, o]) => o.uploadSeconds)).toFixed(1)} s; ` +
          `whole listings meanwhile ${median(samples.map(([c]) => c.listings))} vs ${median(samples.map(([, o]) => o.listings))}`,
        samples: samples.map(([c, o]) => [c.p99Ms, o.p99Ms]),
      },
    ]
  } finally {
    files.remove()
  }
}
