// The test's end of the harness: starts the built main process (out/main/index.js) under plain Node with the
// stand-in (register.mjs), in a temp user-data dir against the real Kubo, MinIO and SQLite, and talks to it
// over Node's IPC channel: driver requests out, the stand-in's record in. Knows the app's child processes
// (Kubo, MinIO, tack-launcher) by pid, so a scenario can prove none is left once the app has exited.
import { spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { kuboBinary } from '../fixtures/binaries.js'
import { tempDir } from '../fixtures/tmp.js'

const ROOT = join(import.meta.dirname, '..', '..')
export const MAIN_BUNDLE = join(ROOT, 'out', 'main', 'index.js')

export interface HarnessRecord {
  seq: number
  what: string
  [key: string]: unknown
}

export interface HarnessOptions {
  /** app.isPackaged; true (the default) also makes <resources>/native/ the only SQLite binding. */
  packaged?: boolean
  platform?: NodeJS.Platform
  argv?: string[]
  env?: NodeJS.ProcessEnv
  /** Another Tack holds the single-instance lock. */
  lockHeld?: boolean
  /** An existing user-data dir (a second start on the same data). */
  userData?: string
}

export interface Harness {
  child: ChildProcess
  userData: string
  records: HarnessRecord[]
  output(): string
  exited: Promise<number | string>
  request<T = unknown>(op: string, params?: Record<string, unknown>): Promise<T>
  waitFor(what: string, match?: (r: HarnessRecord) => boolean, timeoutMs?: number): Promise<HarnessRecord>
  /** The app's descendants seen so far (sampled from /proc while it runs). */
  children(): Map<number, string>
  sampleChildren(): void
  /** Ends the app if a scenario left it running (SIGTERM, then SIGKILL of it and its children) and removes its files. */
  remove(): Promise<void>
}

/** A resources folder as electron-builder lays it out: bin/ (Kubo, MinIO, tack-launcher) and native/. */
function makeResources(dir: string): string {
  const resources = join(dir, 'resources')
  mkdirSync(join(resources, 'native'), { recursive: true })
  symlinkSync(join(ROOT, 'resources', 'bin'), join(resources, 'bin'))
  const pkg = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'))
  // The Node build stands in for the Electron one: the harness runs on Node's ABI.
  copyFileSync(join(pkg, 'build', 'Release', 'better_sqlite3.node'), join(resources, 'native', 'better_sqlite3.node'))
  return resources
}

function ppidOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return undefined
  }
}

/** Live (not zombie) process with this pid. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return false
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()
  } catch {
    return '' // gone meanwhile
  }
}

function descendantsOf(root: number): Map<number, string> {
  const parents = new Map<number, number>()
  for (const entry of readdirSync('/proc'))
    if (/^\d+$/.test(entry)) parents.set(Number(entry), ppidOf(Number(entry)) ?? 0)
  const found = new Map<number, string>()
  let grew = true
  while (grew) {
    grew = false
    for (const [pid, ppid] of parents)
      if (!found.has(pid) && (ppid === root || found.has(ppid))) {
        found.set(pid, commandOf(pid))
        grew = true
      }
  }
  return found
}

/** The bundle must be built from the sources as they are: a stale one would test yesterday's shell. */
function assertFreshBundle(): void {
  const build = 'run `npx electron-vite build` (npm test does)'
  if (!existsSync(MAIN_BUNDLE)) throw new Error(`${MAIN_BUNDLE} is missing: ${build}`)
  const built = statSync(MAIN_BUNDLE).mtimeMs
  const newer = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        const found = newer(path)
        if (found) return found
      } else if (/(?<!\.test)\.ts$/.test(entry.name) && statSync(path).mtimeMs > built) return path
    }
    return undefined
  }
  const stale = newer(join(ROOT, 'src', 'main')) ?? newer(join(ROOT, 'src', 'shared'))
  if (stale) throw new Error(`${MAIN_BUNDLE} is older than ${stale}: ${build}`)
}

export function startHarness(options: HarnessOptions = {}): Harness {
  assertFreshBundle()
  const dir = tempDir('tack-harness-')
  const userData = options.userData ?? join(dir.path, 'user-data')
  const packaged = options.packaged ?? true
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      join(import.meta.dirname, 'register.mjs'),
      MAIN_BUNDLE,
      `--user-data-dir=${userData}`,
      ...(options.argv ?? []),
    ],
    {
      cwd: dir.path,
      env: {
        ...process.env,
        TACK_IPFS_NETWORK: 'local',
        TACK_PORT: '0',
        TACK_KUBO_BINARY: kuboBinary(),
        XDG_CONFIG_HOME: join(dir.path, 'config'),
        TACK_HARNESS_RESOURCES: makeResources(dir.path),
        TACK_HARNESS_PACKAGED: packaged ? '1' : '0',
        ...(options.platform ? { TACK_HARNESS_PLATFORM: options.platform } : {}),
        ...(options.lockHeld ? { TACK_HARNESS_LOCK_HELD: '1' } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  )
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const records: HarnessRecord[] = []
  const waiters = new Set<() => void>()
  const replies = new Map<number, (reply: { ok: boolean; value?: unknown; error?: string }) => void>()
  const seen = new Map<number, string>()
  let nextId = 1
  child.on('message', (msg: { type: string; id?: number } & Record<string, unknown>) => {
    if (msg.type === 'record') {
      records.push(msg as unknown as HarnessRecord)
      if (records.length % 5 === 0) sample()
      for (const w of waiters) w()
    } else if (msg.type === 'reply') replies.get(msg.id!)?.(msg as never)
  })
  const sample = () => {
    if (child.pid && child.exitCode === null)
      for (const [pid, cmd] of descendantsOf(child.pid)) if (cmd || !seen.has(pid)) seen.set(pid, cmd)
  }
  const timer = setInterval(sample, 250)
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      clearInterval(timer)
      for (const w of waiters) w()
      resolve(code ?? signal ?? -1)
    }),
  )
  return {
    child,
    userData,
    records,
    output: () => out,
    exited,
    children: () => seen,
    sampleChildren: sample,
    request: <T>(op: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++
        replies.set(id, (reply) => (reply.ok ? resolve(reply.value as T) : reject(new Error(reply.error))))
        child.send({ id, op, ...params }, (err) => err && reject(err))
      }),
    waitFor: (what, match = () => true, timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = records.find((r) => r.what === what && match(r))
          if (found) return done(() => resolve(found))
          if (child.exitCode !== null || child.signalCode !== null)
            done(() => reject(new Error(`the app exited before ${what}:\n${out.slice(-3000)}`)))
        }
        const t = setTimeout(
          () => done(() => reject(new Error(`timed out waiting for ${what}:\n${out.slice(-3000)}`))),
          timeoutMs,
        )
        const done = (fn: () => void) => (clearTimeout(t), waiters.delete(check), fn())
        waiters.add(check)
        check()
      }),
    remove: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        sample()
        child.kill('SIGTERM')
        const gone = await Promise.race([
          exited.then(() => true),
          new Promise((r) => setTimeout(() => r(false), 30_000)),
        ])
        if (!gone) for (const pid of [child.pid!, ...seen.keys()]) if (alive(pid)) process.kill(pid, 'SIGKILL')
      }
      clearInterval(timer)
      dir.remove()
    },
  }
}
