// The `tack` entry under plain Node (bin/tack.js runs its build, out/cli/index.js): one command, then exit.
import { isCoreError } from '../main/core/errors.js'
import { runCli } from './run.js'

export type { CliContext } from './run.js'

runCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`tack: ${isCoreError(err) ? err.details : (err as Error).message}\n`)
    process.exitCode = 1
  },
)
