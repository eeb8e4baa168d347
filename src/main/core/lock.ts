// One running core per data dir. The pid file holds our pid and, once listening, our URL, so the CLI can
// find a running server. Locks held by this process are remembered too: two cores in one process (a test,
// an app that restarts its core) must not share a data dir either, and their pid is the same.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { CoreError } from './errors.js'

const heldHere = new Set<string>()

export interface DataDirLock {
  /** Records where the server listens, for `tack status`. */
  setUrl(url: string): void
  release(): void
}

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

export function lockDataDir(pidFile: string): DataDirLock {
  const other = runningPid(pidFile)
  if (heldHere.has(pidFile) || (other && other !== process.pid))
    throw new CoreError('CONFLICT', `Tack is already running on this data dir (pid ${other ?? process.pid}); stop it first`)
  heldHere.add(pidFile)
  writeFileSync(pidFile, `${process.pid}\n`)
  return {
    setUrl: (url) => writeFileSync(pidFile, `${process.pid}\n${url}\n`),
    release() {
      if (!heldHere.delete(pidFile)) return
      if (runningPid(pidFile) === process.pid) rmSync(pidFile, { force: true })
    },
  }
}

/** The URL a running `tack serve` wrote into its pid file. */
export function runningUrl(pidFile: string): string | undefined {
  if (!runningPid(pidFile)) return undefined
  return readFileSync(pidFile, 'utf8').split('\n')[1] || undefined
}
