// `tack import PATH [--merge] [--keys none|same-scopes|all]`: restores a backup archive into this data dir,
// which serve must not be using. Without --merge the data dir must be empty; with it, what is there stays and
// nothing is duplicated, and the archive is not trusted with credentials: its keys are added only as --keys
// says (none by default), and each one added is printed. A refused archive changes nothing
// (src/main/core/backup/import.ts, merge.ts, trust.ts).
import { createReadStream } from 'node:fs'
import { importArchive } from '../main/core/backup/import.js'
import type { MergeResult } from '../main/core/backup/merge.js'
import { defaultKeyPolicy, isKeyPolicy, KEY_POLICIES } from '../main/core/backup/trust.js'
import { createCore } from '../main/core/index.js'
import { runningPid } from '../main/core/lock.js'
import { silentLogger } from '../main/core/log.js'
import { paths } from '../main/core/state.js'
import type { CliContext } from './index.js'
import { stepMeter } from './progress.js'

export async function importCommand(ctx: CliContext): Promise<number> {
  const file = ctx.args[0]
  const merge = ctx.values.merge === true
  const keys = ctx.values.keys ?? defaultKeyPolicy(merge)
  if (!file || typeof keys !== 'string' || !isKeyPolicy(keys)) {
    process.stderr.write(`usage: tack import PATH [--merge] [--keys ${KEY_POLICIES.join('|')}]\n`)
    return 2
  }
  if (await runningPid(paths(ctx.config.dataDir).pidFile)) {
    process.stderr.write(`tack: Tack is running on ${ctx.config.dataDir}; stop it before importing\n`)
    return 3
  }
  // Kubo and the object store must run for the content to go in; the API listens on a free loopback port.
  const core = createCore({ ...ctx.config, port: 0, lan: false }, silentLogger, { noLan: true })
  await core.start()
  try {
    const result = await importArchive(
      { db: core.state.db, store: core.objectStorage.store, kubo: core.kubo.client, tempDir: ctx.config.dataDir },
      createReadStream(file),
      { merge, keys },
      stepMeter('import'),
    )
    process.stderr.write(process.stderr.isTTY ? '\r\x1b[K' : '')
    ctx.out(
      `imported ${result.accounts} account(s), ${result.keys} key(s), ${result.pins} pin(s), ${result.files} file record(s)` +
        (result.skipped ? `; ${result.skipped} already here` : ''),
    )
    report(ctx, result, keys)
    return 0
  } finally {
    await core.stop()
  }
}

/** What the archive brought that a person should know of: every key added, and what was held back. */
function report(ctx: CliContext, result: MergeResult, keys: string): void {
  for (const k of result.addedKeys)
    ctx.out(`added key ${k.id} "${k.name}" to account "${k.account}" with scopes: ${k.scopes}`)
  if (result.keysLeftOut)
    ctx.out(`left out ${result.keysLeftOut} key(s) of the archive (--keys ${keys}; --keys all adds them as they are)`)
  if (result.targetsLeftOut.length)
    ctx.out(`left out forwarding target(s) ${result.targetsLeftOut.join(', ')} of the archive (--keys all adds them)`)
  for (const cid of result.keptPrivate)
    ctx.out(`kept ${cid} private: it is private here, the archive listed it as public`)
}
