// One running core per data dir. The pid file holds our pid, once listening our URL, so the CLI can find a
// running server, and what our pid is (start time, executable): a pid file left by a Tack that was killed
// long ago, whose pid now belongs to another process, is stale, not "already running". Locks held by this
// process are remembered too: two cores in one process (a test, an app that restarts its core) must not
// share a data dir either, and their pid is the same.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { CoreError } from './errors.js'
import { formatIdentity, matchProcess, ownIdentity, parseIdentity, type IdentityReaders } from './process/identity.js'

const heldHere = new Set<string>()

export interface DataDirLock {
  /** Records where the server listens, for `tack status`. */
  setUrl(url: string): void
  release(): void
}

/** Who holds a pid file: nobody, a Tack that still runs, or a live pid whose identity could not be read. */
export type Holder =
  { state: 'none' } | { state: 'running'; pid: number } | { state: 'unknown'; pid: number; reason: string }

/**
 * Whether the Tack that wrote this pid file still runs. An identity that cannot be read (PowerShell did not
 * answer in time) does not prove it gone: the holder is then `unknown`, and callers treat it as running.
 */
export async function pidFileHolder(pidFile: string, readers?: IdentityReaders): Promise<Holder> {
  let lines: string[]
  try {
    lines = readFileSync(pidFile, 'utf8').split('\n')
  } catch {
    return { state: 'none' }
  }
  const pid = Number(lines[0])
  if (!Number.isInteger(pid) || pid <= 0) return { state: 'none' }
  if (pid === process.pid && !readers) return { state: 'running', pid }
  if (!isAlive(pid)) return { state: 'none' }
  const recorded = parseIdentity(lines[2])
  // Without an identity (a pid file of an older Tack) only liveness can be checked.
  if (!recorded || recorded.pid !== pid) return { state: 'running', pid }
  const match = await matchProcess(recorded, readers)
  if (match === 'same') return { state: 'running', pid }
  if (match === 'other') return { state: 'none' }
  return { state: 'unknown', pid, reason: `could not tell whether pid ${pid} is still Tack` }
}

/** The pid of the Tack that holds this pid file, if it may still run (an unknown identity counts as running). */
export async function runningPid(pidFile: string, readers?: IdentityReaders): Promise<number | undefined> {
  const holder = await pidFileHolder(pidFile, readers)
  return holder.state === 'none' ? undefined : holder.pid
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: alive, but another user's.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export async function lockDataDir(pidFile: string, readers?: IdentityReaders): Promise<DataDirLock> {
  if (heldHere.has(pidFile))
    throw new CoreError('CONFLICT', `Tack is already running on this data dir (pid ${process.pid}); stop it first`)
  const [holder, own] = await Promise.all([pidFileHolder(pidFile, readers), ownIdentity(readers)])
  if (holder.state === 'running' && holder.pid !== process.pid)
    throw new CoreError('CONFLICT', `Tack is already running on this data dir (pid ${holder.pid}); stop it first`)
  if (holder.state === 'unknown')
    throw new CoreError(
      'CONFLICT',
      `${holder.reason}, so this data dir may be in use; if no Tack runs, remove ${pidFile} and start again`,
    )
  // Checked again after the await: another core of this process may have taken it meanwhile.
  if (heldHere.has(pidFile))
    throw new CoreError('CONFLICT', `Tack is already running on this data dir (pid ${process.pid}); stop it first`)
  heldHere.add(pidFile)
  const identity = own ? formatIdentity(own) : ''
  writeFileSync(pidFile, `${process.pid}\n\n${identity}\n`)
  return {
    setUrl: (url) => writeFileSync(pidFile, `${process.pid}\n${url}\n${identity}\n`),
    release() {
      if (!heldHere.delete(pidFile)) return
      if (ownsPidFile(pidFile)) rmSync(pidFile, { force: true })
    },
  }
}

/** Whether the pid file is this process's (only its pid is needed: it was written by us). */
function ownsPidFile(pidFile: string): boolean {
  try {
    return Number(readFileSync(pidFile, 'utf8').split('\n')[0]) === process.pid
  } catch {
    return false
  }
}

/** The URL a running `tack serve` wrote into its pid file. */
export async function runningUrl(pidFile: string): Promise<string | undefined> {
  if (!(await runningPid(pidFile))) return undefined
  return readFileSync(pidFile, 'utf8').split('\n')[1] || undefined
}
