// One running core per data dir. The pid file holds our pid, once listening our URL, so the CLI can find a
// running server, and what our pid is (start time, executable): a pid file left by a Tack that was killed
// long ago, whose pid now belongs to another process, is stale, not "already running". Locks held by this
// process are remembered too: two cores in one process (a test, an app that restarts its core) must not
// share a data dir either, and their pid is the same.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { CoreError } from './errors.js'
import { formatIdentity, identify, isSameProcess, parseIdentity, type IdentityReaders } from './process/identity.js'

const heldHere = new Set<string>()

export interface DataDirLock {
  /** Records where the server listens, for `tack status`. */
  setUrl(url: string): void
  release(): void
}

/** The pid of the Tack that holds this pid file, if that very process still runs. */
export function runningPid(pidFile: string, readers?: IdentityReaders): number | undefined {
  try {
    const [first = '', , third] = readFileSync(pidFile, 'utf8').split('\n')
    const pid = Number(first)
    if (!Number.isInteger(pid) || pid <= 0) return undefined
    if (pid === process.pid && !readers) return pid
    const recorded = parseIdentity(third)
    // Without an identity (a pid file of an older Tack) only liveness can be checked.
    if (recorded && recorded.pid === pid) return isSameProcess(recorded, readers) ? pid : undefined
    process.kill(pid, 0)
    return pid
  } catch {
    return undefined
  }
}

const self = () => {
  const id = identify(process.pid)
  return id ? formatIdentity(id) : ''
}

export function lockDataDir(pidFile: string): DataDirLock {
  const other = runningPid(pidFile)
  if (heldHere.has(pidFile) || (other && other !== process.pid))
    throw new CoreError(
      'CONFLICT',
      `Tack is already running on this data dir (pid ${other ?? process.pid}); stop it first`,
    )
  heldHere.add(pidFile)
  const identity = self()
  writeFileSync(pidFile, `${process.pid}\n\n${identity}\n`)
  return {
    setUrl: (url) => writeFileSync(pidFile, `${process.pid}\n${url}\n${identity}\n`),
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
