// What a pid was: its start time and executable. A pid file that records both can tell "our orphaned child"
// (or "a running Tack") from an unrelated process that was given the same pid after a reboot or a wrap-around,
// so Tack never kills a stranger nor refuses to start because of one. Each OS has its own source; the
// readers are injectable so the branches of every platform are unit-tested anywhere.
import { execFile } from 'node:child_process'
import { readFileSync, readlinkSync } from 'node:fs'

export interface ProcessIdentity {
  pid: number
  /** OS-specific start time: clock ticks since boot on Linux, a date string elsewhere. Never compared across OSes. */
  start: string
  /** The executable's path (or name when the OS gives only that). */
  exe: string
}

/**
 * What could be learnt about a pid. `unknown` (PowerShell or ps did not answer in time, or would not say) is
 * not `gone`: a lock or an orphan check must then assume the recorded process may still run.
 */
export type IdentityRead =
  { state: 'alive'; id: ProcessIdentity } | { state: 'gone' } | { state: 'unknown'; reason: string }

/** A program's exit code and stdout; the promise rejects when it could not run or did not finish in time. */
export interface RunResult {
  code: number
  stdout: string
}

export interface IdentityReaders {
  platform: NodeJS.Platform
  readFile(path: string): string
  readLink(path: string): string
  /** Runs a program (ps on macOS, PowerShell on Windows) off the main thread's critical path. */
  run(command: string, args: string[]): Promise<RunResult>
}

/** PowerShell's first start on a cold Windows can take seconds; waiting is cheap now that it never blocks. */
export const IDENTITY_TIMEOUT_MS = 10_000

export interface SystemReadersInit {
  platform?: NodeJS.Platform
  timeoutMs?: number
  /** Where to find a program (`powershell.exe`, `ps`) instead of PATH: tests stand a script in for PowerShell. */
  programs?: Record<string, string>
}

export function createSystemReaders(init: SystemReadersInit = {}): IdentityReaders {
  const timeout = init.timeoutMs ?? IDENTITY_TIMEOUT_MS
  return {
    platform: init.platform ?? process.platform,
    readFile: (path) => readFileSync(path, 'utf8'),
    readLink: (path) => readlinkSync(path),
    run: (command, args) =>
      new Promise((resolve, reject) => {
        execFile(
          init.programs?.[command] ?? command,
          args,
          { encoding: 'utf8', timeout, windowsHide: true },
          (err, stdout) => {
            // A non-zero exit is an answer (ps: "no such pid"); a kill by the timeout or a missing program is not.
            if (err && (err.killed || typeof err.code !== 'number'))
              return reject(new Error(err.killed ? `${command} did not answer in ${timeout} ms` : err.message))
            resolve({ code: err ? Number(err.code) : 0, stdout })
          },
        )
      }),
  }
}

export const SYSTEM_READERS: IdentityReaders = createSystemReaders()

/** The identity of a pid: alive (with what it is), gone, or unknown when the OS could not be asked. */
export async function readIdentity(pid: number, readers: IdentityReaders = SYSTEM_READERS): Promise<IdentityRead> {
  if (!Number.isInteger(pid) || pid <= 0) return { state: 'gone' }
  if (readers.platform === 'linux') return readLinux(pid, readers)
  if (readers.platform === 'win32') return windowsBatcher(readers).read(pid)
  return readPs(pid, readers)
}

/** The identity of a live pid, or undefined when there is none or it cannot be read (for recording only). */
export async function identify(
  pid: number,
  readers: IdentityReaders = SYSTEM_READERS,
): Promise<ProcessIdentity | undefined> {
  const read = await readIdentity(pid, readers)
  return read.state === 'alive' ? read.id : undefined
}

const own = new WeakMap<IdentityReaders, Promise<ProcessIdentity | undefined>>()
/**
 * This process's identity, asked once per process (it cannot change), so a start pays for it at most once.
 * A read that failed (PowerShell did not answer) is not kept: the next start of a core asks again.
 */
export function ownIdentity(readers: IdentityReaders = SYSTEM_READERS): Promise<ProcessIdentity | undefined> {
  let id = own.get(readers)
  if (!id) {
    own.set(readers, (id = identify(process.pid, readers)))
    void id.then((found) => found || own.delete(readers))
  }
  return id
}

function readLinux(pid: number, readers: IdentityReaders): IdentityRead {
  let stat: string
  try {
    stat = readers.readFile(`/proc/${pid}/stat`)
  } catch {
    return { state: 'gone' }
  }
  // Fields after the command (which may hold spaces and parentheses) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Field 3 is the state; field 22 (starttime) is index 22 - 3 here.
  if (fields[0] === 'Z') return { state: 'gone' }
  const start = fields[22 - 3]
  if (!start) return { state: 'unknown', reason: `/proc/${pid}/stat has no start time` }
  let exe = ''
  try {
    exe = readers.readLink(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '')
  } catch {
    // Another user's process: its exe link is not ours to read; the start time still identifies it.
  }
  return { state: 'alive', id: { pid, start, exe } }
}

// macOS and the other Unixes: ps gives the start time (to the second) and the command; exit 1 = no such pid.
async function readPs(pid: number, readers: IdentityReaders): Promise<IdentityRead> {
  let res: RunResult
  try {
    res = await readers.run('ps', ['-o', 'lstart=', '-o', 'comm=', '-p', String(pid)])
  } catch (err) {
    return { state: 'unknown', reason: (err as Error).message }
  }
  const out = res.stdout.trim()
  if (!out) return res.code === 1 ? { state: 'gone' } : { state: 'unknown', reason: `ps exited with ${res.code}` }
  const match = /^(\w{3}\s+\w{3}\s+\d+\s+[\d:]+\s+\d{4})\s+(.*)$/.exec(out)
  if (!match) return { state: 'unknown', reason: `ps printed ${JSON.stringify(out.slice(0, 80))}` }
  return { state: 'alive', id: { pid, start: match[1]!.replace(/\s+/g, ' '), exe: match[2]! } }
}

/**
 * Windows: one PowerShell per batch. Every pid asked in the same turn of the event loop goes into a single
 * Get-Process (PowerShell's start costs far more than the query), and the caller's thread never waits on it.
 */
interface Batcher {
  read(pid: number): Promise<IdentityRead>
}
const batchers = new WeakMap<IdentityReaders, Batcher>()
function windowsBatcher(readers: IdentityReaders): Batcher {
  let b = batchers.get(readers)
  if (!b) batchers.set(readers, (b = createWindowsBatcher(readers)))
  return b
}

function createWindowsBatcher(readers: IdentityReaders): Batcher {
  let pending: Map<number, ((r: IdentityRead) => void)[]> | undefined
  const flush = async (batch: Map<number, ((r: IdentityRead) => void)[]>) => {
    const answers = await queryWindows([...batch.keys()], readers)
    for (const [pid, waiters] of batch) for (const w of waiters) w(answers(pid))
  }
  return {
    read: (pid) =>
      new Promise((resolve) => {
        if (!pending) {
          const batch = (pending = new Map())
          setImmediate(() => {
            pending = undefined
            void flush(batch)
          })
        }
        pending.set(pid, [...(pending.get(pid) ?? []), resolve])
      }),
  }
}

async function queryWindows(pids: number[], readers: IdentityReaders): Promise<(pid: number) => IdentityRead> {
  const script =
    `Get-Process -Id ${pids.join(',')} -ErrorAction SilentlyContinue | ForEach-Object { ` +
    `"$($_.Id)\t$($_.StartTime.ToUniversalTime().ToString('o'))\t$($_.Path)" }`
  let res: RunResult
  try {
    res = await readers.run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script])
  } catch (err) {
    const reason = (err as Error).message
    return () => ({ state: 'unknown', reason })
  }
  const found = new Map<number, { start: string; exe: string }>()
  for (const line of res.stdout.split(/\r?\n/)) {
    const [pid = '', start = '', exe = ''] = line.trim().split('\t')
    if (/^\d+$/.test(pid)) found.set(Number(pid), { start: start.trim(), exe: exe.trim() })
  }
  return (pid) => {
    const f = found.get(pid)
    if (!f) return { state: 'gone' }
    // A process of another user or the system may hide its start time: alive, but not identifiable.
    if (!f.start) return { state: 'unknown', reason: `pid ${pid}'s start time cannot be read` }
    return { state: 'alive', id: { pid, start: f.start, exe: f.exe } }
  }
}

/** Whether the live process with this pid is the one that was recorded (same start and executable). */
export async function matchProcess(
  recorded: ProcessIdentity,
  readers: IdentityReaders = SYSTEM_READERS,
): Promise<'same' | 'other' | 'unknown'> {
  const now = await readIdentity(recorded.pid, readers)
  if (now.state === 'unknown') return 'unknown'
  if (now.state === 'gone' || now.id.start !== recorded.start) return 'other'
  // The executable is compared when both sides could read it (a different user's process hides it).
  const exeOk = !recorded.exe || !now.id.exe || sameExe(recorded.exe, now.id.exe, readers.platform)
  return exeOk ? 'same' : 'other'
}

function sameExe(a: string, b: string, platform: NodeJS.Platform): boolean {
  if (platform === 'win32') return a.toLowerCase() === b.toLowerCase()
  // macOS ps may print only the name, or a truncated path: a suffix match is enough there.
  if (platform !== 'linux') return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`)
  return a === b
}

/** One line for a pid file: `pid start exe` as JSON, so paths with spaces survive. */
export const formatIdentity = (id: ProcessIdentity): string => JSON.stringify(id)

export function parseIdentity(text: string | undefined): ProcessIdentity | undefined {
  if (!text?.trim().startsWith('{')) return undefined
  try {
    const v = JSON.parse(text) as Partial<ProcessIdentity>
    if (Number.isInteger(v.pid) && typeof v.start === 'string' && typeof v.exe === 'string') return v as ProcessIdentity
  } catch {
    /* not ours */
  }
  return undefined
}
