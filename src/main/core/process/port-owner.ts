// Which process listens on a loopback TCP port (Linux: /proc/net/tcp{,6} gives the socket's inode, and
// /proc/<pid>/fd the process that holds it). A leftover MinIO of this data dir is found by the port it was
// given, which no pid file can get wrong; elsewhere the pid file's identity check is what remains.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

export interface ProcFs {
  readFile(path: string): string
  readDir(path: string): string[]
  readLink(path: string): string
}

const SYSTEM: ProcFs = {
  readFile: (p) => readFileSync(p, 'utf8'),
  readDir: (p) => readdirSync(p),
  readLink: (p) => readlinkSync(p),
}

const LISTEN = '0A'

/** The pid listening on this TCP port, when Linux tells (undefined elsewhere or when unknown). */
export function portOwner(port: number, fs: ProcFs = SYSTEM): number | undefined {
  const inodes = new Set<string>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = fs.readFile(table)
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      const local = cols[1]
      if (!local || cols[3] !== LISTEN) continue
      if (parseInt(local.split(':')[1] ?? '', 16) === port && cols[9] && cols[9] !== '0') inodes.add(cols[9])
    }
  }
  if (!inodes.size) return undefined
  let pids: string[]
  try {
    pids = fs.readDir('/proc').filter((d) => /^\d+$/.test(d))
  } catch {
    return undefined
  }
  for (const pid of pids) {
    let fds: string[]
    try {
      fds = fs.readDir(`/proc/${pid}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readLink(`/proc/${pid}/fd/${fd}`))
        if (m && inodes.has(m[1]!)) return Number(pid)
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return undefined
}

/** The command line of a pid, arguments joined by spaces ('' when unreadable). */
export function commandLine(pid: number, fs: ProcFs = SYSTEM): string {
  try {
    return fs.readFile(`/proc/${pid}/cmdline`).split('\0').filter(Boolean).join(' ')
  } catch {
    return ''
  }
}
