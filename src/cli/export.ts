// `tack export --out PATH`: the backup archive (format in the README and src/main/core/backup/archive.ts).
// While `tack serve` runs, the running server writes it (GET /api/export with the local token); otherwise a
// core is started here just for it. Written to PATH.partial first and renamed, so PATH is whole or absent.
import { createWriteStream, readFileSync, renameSync, rmSync } from 'node:fs'
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
  try {
    const url = runningUrl(p.pidFile)
    if (url) {
      const token = readFileSync(p.sessionToken, 'utf8').trim()
      const res = await fetch(`${url}/api/export`, { headers: { authorization: `Bearer ${token}` } })
      if (!res.ok || !res.body)
        throw new Error(`the running server refused the export: ${res.status} ${await res.text()}`)
      await pipeline(Readable.fromWeb(res.body as never), count, createWriteStream(partial, { mode: 0o600 }))
    } else {
      const core = createCore({ ...ctx.config, port: 0, lan: false }, silentLogger, { noLan: true })
      await core.start()
      try {
        const archive = exportArchive({
          db: core.state.db,
          store: core.minio.store,
          kubo: core.kubo.client,
          version: VERSION,
          tempDir: ctx.config.dataDir,
        })
        await pipeline(archive, count, createWriteStream(partial, { mode: 0o600 }))
      } finally {
        await core.stop()
      }
    }
    renameSync(partial, out)
    meter.done(`wrote ${out}`)
    return 0
  } catch (err) {
    rmSync(partial, { force: true })
    throw err
  }
}
