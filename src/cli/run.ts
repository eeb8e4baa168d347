// `tack`: thin commands over the core. Parse → call → print. Secrets go to stdout alone; everything
// else a person reads goes to stdout as text, diagnostics to stderr. Run by bin/tack.js under Node (through
// ./index.ts) and by the packaged app's CLI mode (src/main/cli-mode.ts), which passes where its binaries are.
import { parseArgs } from 'node:util'
import { configFromEnv, parseConfig, type ConfigInput } from '../main/core/config.js'

const USAGE = `usage: tack <command> [options]

  serve                     run the service (Kubo, API, gateway) until SIGINT/SIGTERM
  status                    show whether Tack runs here and how its parts are
  login                     print a fresh one-time sign-in link for the running server
  key create --name N [--scope S]... [--account A]
                            print a new API key's secret (shown once)
  key list                  list keys (never secrets)
  key revoke ID             revoke a key
  account create NAME [--quota BYTES]
  account list
  remote add NAME --kind cluster|psa --url URL [--token T | --user U --password P]
             [--replication-min N] [--replication-max N] [--policy accounts|meta] [--account A]...
  remote list | remote rm NAME
  export --out PATH         write a backup archive (works while serve runs, or not)
  import PATH [--merge] [--keys none|same-scopes|all]
                            restore a backup into this data dir (serve must not be running);
                            --merge adds no key of the archive unless --keys says so

common options: --data-dir DIR, --port N, --host H, --lan
`

export interface CliContext {
  config: ReturnType<typeof parseConfig>
  args: string[]
  values: Record<string, string | boolean | string[] | undefined>
  out(line: string): void
}

/**
 * Runs one command: its exit code, or undefined for one that runs until a signal (`serve`). `base` is what
 * the packaged app knows that no flag or variable says (its resources path, its native module).
 */
export async function runCli(argv: string[], base: Partial<ConfigInput> = {}): Promise<number | undefined> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      lan: { type: 'boolean' },
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      account: { type: 'string', multiple: true },
      kind: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      'replication-min': { type: 'string' },
      'replication-max': { type: 'string' },
      policy: { type: 'string' },
      quota: { type: 'string' },
      out: { type: 'string' },
      merge: { type: 'boolean' },
      keys: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, ...args] = positionals
  if (values.help || !command) {
    process.stdout.write(USAGE)
    return command || values.help ? 0 : 2
  }
  const flags: Partial<ConfigInput> = {
    ...base,
    dataDir: values['data-dir'],
    port: values.port,
    host: values.host,
    lan: values.lan,
  }
  const ctx: CliContext = {
    config: parseConfig(configFromEnv(process.env, flags)),
    args,
    values,
    out: (line) => process.stdout.write(line + '\n'),
  }
  // Each command loads only what it needs: `tack key list` must not pay for Fastify, Kubo or MinIO.
  switch (command) {
    case 'serve':
      return (await import('./serve.js')).serveCommand(ctx)
    case 'status':
      return (await import('./status.js')).statusCommand(ctx)
    case 'login':
      return (await import('./login.js')).loginCommand(ctx)
    case 'key':
      return (await import('./key.js')).keyCommand(ctx)
    case 'account':
      return (await import('./account.js')).accountCommand(ctx)
    case 'export':
      return (await import('./export.js')).exportCommand(ctx)
    case 'import':
      return (await import('./import.js')).importCommand(ctx)
    case 'remote':
      return (await import('./remote.js')).remoteCommand(ctx)
    default:
      process.stderr.write(`tack: unknown command "${command}"\n\n${USAGE}`)
      return 2
  }
}
