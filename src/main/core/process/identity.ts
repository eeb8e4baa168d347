// What a pid was: its start time and executable. A pid file that records both can tell "our orphaned child"
// (or "a running Tack") from an unrelated process that was given the same pid after a reboot or a wrap-around,
// so Tack never kills a stranger nor refuses to start because of one. Each OS has its own source; the
// readers are injectable so the branches of every platform are unit-tested anywhere.
import { execFileSync } from 'node:child_process'
import { readFileSync, readlinkSync } from 'node:fs'

export interface ProcessIdentity {
  pid: number
  /** OS-specific start time: clock ticks since boot on Linux, a date string elsewhere. Never compared across OSes. */
  start: string
  /** The executable's path (or name when the OS gives only that). */
  exe: string
}

export interface IdentityReaders {
  platform: NodeJS.Platform
  readFile(path: string): string
  readLink(path: string): string
  /** Runs a program and returns its stdout (ps on macOS, PowerShell on Windows). */
  run(command: string, args: string[]): string
}

export const SYSTEM_READERS: IdentityReaders = {
  platform: process.platform,
  readFile: (path) => readFileSync(path, 'utf8'),
  readLink: (path) => readlinkSync(path),
  run: (command, args) => execFileSync(command, args, { encoding: 'utf8', timeout: 3000, windowsHide: true }),
}

/** The identity of a live pid, or undefined if there is no such process (or it cannot be read). */
export function identify(pid: number, readers: IdentityReaders = SYSTEM_READERS): ProcessIdentity | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined
  try {
    if (readers.platform === 'linux') {
      const stat = readers.readFile(`/proc/${pid}/stat`)
      // Fields after the command (which may hold spaces and parentheses) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      // Field 3 is the state; field 22 (starttime) is index 22 - 3 here.
      if (fields[0] === 'Z') return undefined
      const start = fields[22 - 3]
      let exe = ''
      try {
        exe = readers.readLink(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '')
      } catch {
        // Another user's process: its exe link is not ours to read; the start time still identifies it.
      }
      return start ? { pid, start, exe } : undefined
    }
    if (readers.platform === 'win32') {
      const out = readers
        .run('powershell.exe', [
          '-NoProfile',
          '-NonInteractive',
          '-Command',
          `$p = Get-Process -Id ${pid} -ErrorAction Stop; $p.StartTime.ToUniversalTime().ToString('o'); $p.Path`,
        ])
        .split(/\r?\n/)
        .map((l) => l.trim())
      return out[0] ? { pid, start: out[0], exe: out[1] ?? '' } : undefined
    }
    // macOS and the other Unixes: ps gives the start time (to the second) and the command.
    const out = readers.run('ps', ['-o', 'lstart=', '-o', 'comm=', '-p', String(pid)]).trim()
    const match = /^(\w{3}\s+\w{3}\s+\d+\s+[\d:]+\s+\d{4})\s+(.*)$/.exec(out)
    return match ? { pid, start: match[1]!.replace(/\s+/g, ' '), exe: match[2]! } : undefined
  } catch {
    return undefined
  }
}

/** Whether the live process with this pid is the one that was recorded (same start and executable). */
export function isSameProcess(recorded: ProcessIdentity, readers: IdentityReaders = SYSTEM_READERS): boolean {
  const now = identify(recorded.pid, readers)
  if (!now || now.start !== recorded.start) return false
  // The executable is compared when both sides could read it (a different user's process hides it).
  return !recorded.exe || !now.exe || sameExe(recorded.exe, now.exe, readers.platform)
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
