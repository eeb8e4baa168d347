// One `tack serve` per data dir. The pid file also tells the CLI whether a server is running.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { CoreError } from './errors.js'

export function runningPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
    if (!Number.isInteger(pid) || pid <= 0) return undefined
    process.kill(pid, 0)
    return pid
  } catch {
    return undefined
  }
}

export function lockDataDir(pidFile: string, info: string): () => void {
  const other = runningPid(pidFile)
  if (other && other !== process.pid)
    throw new CoreError('CONFLICT', `Tack is already running on this data dir (pid ${other}); stop it first`)
  writeFileSync(pidFile, `${process.pid}\n${info}\n`)
  return () => {
    if (runningPid(pidFile) === process.pid) rmSync(pidFile, { force: true })
  }
}

/** The URL a running `tack serve` wrote into its pid file. */
export function runningUrl(pidFile: string): string | undefined {
  if (!runningPid(pidFile)) return undefined
  return readFileSync(pidFile, 'utf8').split('\n')[1] || undefined
}
