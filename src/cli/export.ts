// `tack export --out PATH`: the backup archive (format in the README and src/main/core/backup/archive.ts).
// While `tack serve` runs, the running server writes it (GET /api/export with the local token); otherwise a
// core is started here just for it. Written to PATH.partial first and renamed, so PATH is whole or absent.
// Ctrl-C (SIGINT) or SIGTERM cuts the export short: PATH.partial is removed, as is the spool of a core
// started here, which is stopped (exit 130).
import { createWriteStream, readFileSync, renameSync, rmSync, type WriteStream } from 'node:fs'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { exportArchive } from '../main/core/backup/export.js'
import { createCore, VERSION } from '../main/core/index.js'
import { runningUrl } from '../main/core/lock.js'
import { silentLogger } from '../main/core/log.js'
import { paths } from '../main/core/state.js'
import type { CliContext } from './index.js'
import { byteMeter } from './progress.js'

export async function exportCommand(ctx: CliContext): Promise<number> {
  const out = ctx.values.out
  if (typeof out !== 'string' || !out) {
    process.stderr.write('usage: tack export --out PATH\n')
    return 2
  }
  const p = paths(ctx.config.dataDir)
  const partial = `${out}.partial`
  const meter = byteMeter('export')
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      meter.add(chunk.length)
      done(null, chunk)
    },
  })
  // Opened where the bytes start to come; its open may finish after a cut, so the removal waits for its close.
  let file: WriteStream | undefined
  const target = () => (file = createWriteStream(partial, { mode: 0o600 }))
  const interrupted = new AbortController()
  const { signal } = interrupted
  const interrupt = () => interrupted.abort()
  process.once('SIGINT', interrupt)
  process.once('SIGTERM', interrupt)
  try {
    const url = await runningUrl(p.pidFile)
    if (url) {
      const token = readFileSync(p.sessionToken, 'utf8').trim()
      const res = await fetch(`${url}/api/export`, { headers: { authorization: `Bearer ${token}` }, signal })
      if (!res.ok || !res.body)
        throw new Error(`the running server refused the export: ${res.status} ${await res.text()}`)
      await pipeline(Readable.fromWeb(res.body as never), count, target(), { signal })
    } else {
      const core = createCore({ ...ctx.config, port: 0, lan: false }, silentLogger, { noLan: true })
      await core.start()
      try {
        const archive = exportArchive({
          db: core.state.db,
          store: core.objectStorage.store,
          kubo: core.kubo.client,
          version: VERSION,
          tempDir: ctx.config.dataDir,
        })
        await pipeline(archive, count, target(), { signal })
      } finally {
        await core.stop()
      }
    }
    renameSync(partial, out)
    meter.done(`wrote ${out}`)
    return 0
  } catch (err) {
    if (file && !file.closed) await new Promise<void>((resolve) => file!.once('close', () => resolve()))
    rmSync(partial, { force: true })
    if (!signal.aborted) throw err
    process.stderr.write(`\ntack: export interrupted; ${out} not written\n`)
    return 130
  } finally {
    process.off('SIGINT', interrupt)
    process.off('SIGTERM', interrupt)
  }
}
