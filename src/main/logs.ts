// The desktop app's log file: main, Kubo and MinIO lines (the core's logger sink) in userData/logs/tack.log.
// Capped in size: when the file passes maxBytes it becomes tack.1.log (replacing the previous one) and a
// fresh file starts, so the logs never take more than about twice the cap. Writes are synchronous on
// purpose: lines are few, and the line that explains a crash must be on disk before the crash.
import { closeSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export const DEFAULT_MAX_LOG_BYTES = 5 * 1024 * 1024

export interface LogFile {
  readonly path: string
  /** A LogSink for createLogger. Never throws: a full disk must not take the app down. */
  write(line: string): void
  close(): void
}

export function openLogFile(dir: string, maxBytes = DEFAULT_MAX_LOG_BYTES): LogFile {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, 'tack.log')
  const rotated = join(dir, 'tack.1.log')
  let fd: number | undefined
  let size = 0
  const open = () => {
    fd = openSync(path, 'a')
    size = statSync(path).size
  }
  const rotate = () => {
    if (fd !== undefined) closeSync(fd)
    renameSync(path, rotated)
    open()
  }
  open()
  return {
    path,
    write(line) {
      try {
        if (fd === undefined) return
        const bytes = Buffer.from(line.endsWith('\n') ? line : line + '\n')
        if (size > 0 && size + bytes.length > maxBytes) rotate()
        writeSync(fd!, bytes)
        size += bytes.length
      } catch {
        // Nowhere better to report it; keep running.
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd)
      fd = undefined
    },
  }
}

/** Tees log lines: the file, plus stderr while developing (`electron-vite dev` shows them). */
export function teeSink(...sinks: Array<(line: string) => void>): (line: string) => void {
  return (line) => {
    for (const sink of sinks) sink(line)
  }
}
