// `tack import PATH [--merge]`: restores a backup archive into this data dir, which serve must not be using.
// Without --merge the data dir must be empty; with it, what is there stays and nothing is duplicated.
// A refused archive changes nothing (src/main/core/backup/import.ts).
import { createReadStream } from 'node:fs'
import { importArchive } from '../main/core/backup/import.js'
import { createCore } from '../main/core/index.js'
import { runningPid } from '../main/core/lock.js'
import { silentLogger } from '../main/core/log.js'
import { paths } from '../main/core/state.js'
import type { CliContext } from './index.js'
import { stepMeter } from './progress.js'

export async function importCommand(ctx: CliContext): Promise<number> {
  const file = ctx.args[0]
  if (!file) {
    process.stderr.write('usage: tack import PATH [--merge]\n')
    return 2
  }
  if (runningPid(paths(ctx.config.dataDir).pidFile)) {
    process.stderr.write(`tack: Tack is running on ${ctx.config.dataDir}; stop it before importing\n`)
    return 3
  }
  // Kubo and the object store must run for the content to go in; the API listens on a free loopback port.
  const core = createCore({ ...ctx.config, port: 0, lan: false }, silentLogger, { noLan: true })
  await core.start()
  try {
    const result = await importArchive(
      { db: core.state.db, store: core.minio.store, kubo: core.kubo.client, tempDir: ctx.config.dataDir },
      createReadStream(file),
      { merge: ctx.values.merge === true },
      stepMeter('import'),
    )
    process.stderr.write(process.stderr.isTTY ? '\r\x1b[K' : '')
    ctx.out(
      `imported ${result.accounts} account(s), ${result.keys} key(s), ${result.pins} pin(s), ${result.files} file record(s)` +
        (result.skipped ? `; ${result.skipped} already here` : ''),
    )
    return 0
  } finally {
    await core.stop()
  }
}
