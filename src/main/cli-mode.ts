// The packaged app as the `tack` CLI. Linux packages put `tack` on PATH as a script that runs the app's own
// binary with CLI_SWITCH (build/linux/tack-cli.sh): the usual way, Electron as Node through
// ELECTRON_RUN_AS_NODE, is switched off by the runAsNode fuse (electron-builder.yml), on purpose. In this mode
// the main process opens no window, tray or single-instance lock: it runs one command with the app's Kubo,
// MinIO and native module, and exits with its code.
import { isCoreError } from './core/errors.js'
import { electronSqliteBinding } from './native-binding.js'

export const CLI_SWITCH = '--tack-cli'

/** The CLI's arguments when this start is the CLI (everything after CLI_SWITCH), else undefined. */
export function cliArguments(argv: string[]): string[] | undefined {
  const at = argv.indexOf(CLI_SWITCH)
  return at < 0 ? undefined : argv.slice(at + 1)
}

export interface CliModeInit {
  /** Electron's process.resourcesPath: Kubo, MinIO and the native module of the package are there. */
  resourcesPath: string
  platform: string
  arch: string
  abi: string
  /** app.exit: the main process does not end by itself when the command is done. */
  exit(code: number): void
  stderr?: (text: string) => void
}

/** Runs one CLI command in the packaged app; `serve` keeps running until its signal handlers exit. */
export async function runCliMode(argv: string[], init: CliModeInit): Promise<void> {
  const stderr = init.stderr ?? ((text) => process.stderr.write(text))
  const sqliteBinding = electronSqliteBinding({ packaged: true, appRoot: '', ...init })
  try {
    const { runCli } = await import('../cli/run.js')
    const code = await runCli(argv, { resourcesPath: init.resourcesPath, sqliteBinding })
    if (code !== undefined) init.exit(code)
  } catch (err) {
    stderr(`tack: ${isCoreError(err) ? err.details : (err as Error).message}\n`)
    init.exit(1)
  }
}
