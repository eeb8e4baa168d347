// One logger, passed down. Each component gets a child with its own name (`core:kubo`), and child
// processes log under theirs (`kubo`). Lines go to one sink: stderr for the CLI, a file for the desktop app.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(name: string): Logger
}

export type LogSink = (line: string) => void

export function createLogger(init: { name?: string; level?: LogLevel; sink?: LogSink } = {}): Logger {
  const name = init.name ?? 'tack'
  const min = RANK[init.level ?? 'info']
  const sink = init.sink ?? ((line) => process.stderr.write(line + '\n'))
  const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < min) return
    const extra = fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields) : ''
    sink(`${new Date().toISOString()} ${level.padEnd(5)} ${name}: ${msg}${extra}`)
  }
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (child) => createLogger({ name: child, level: init.level, sink }),
  }
}

/** A logger that drops everything, for tests that do not read logs. */
export const silentLogger: Logger = createLogger({ sink: () => {} })
