// The desktop app end to end: launch the built app (out/) in Electron with a fresh userData, wait for the
// core, upload a file through the window, quit, and check that no Kubo or MinIO process is left behind.
// Needs an Electron binary (node_modules/electron's download, or ELECTRON_BINARY), `npm run build` first,
// and a display on Linux (xvfb-run). Where a prerequisite is missing the test is skipped, saying why.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import type { Connection, IpcResult, TackApi } from '../src/shared/ipc.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const HELLO_CID = 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e'

/** The Electron executable, found the way the `electron` package finds it but without its download. */
export function electronBinary(env = process.env): { path: string } | { reason: string } {
  if (env.ELECTRON_BINARY)
    return existsSync(env.ELECTRON_BINARY)
      ? { path: env.ELECTRON_BINARY }
      : { reason: `ELECTRON_BINARY=${env.ELECTRON_BINARY} does not exist` }
  let dir: string
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return { reason: 'the electron package is not installed' }
  }
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile))
    return {
      reason: `no Electron binary: ${pathFile} is missing (installed with ELECTRON_SKIP_BINARY_DOWNLOAD?); set ELECTRON_BINARY`,
    }
  const binary = join(env.ELECTRON_OVERRIDE_DIST_PATH || join(dir, 'dist'), readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? { path: binary } : { reason: `no Electron binary at ${binary}; set ELECTRON_BINARY` }
}

function skipReason(): string | undefined {
  const found = electronBinary()
  if ('reason' in found) return found.reason
  // The app loads better-sqlite3 built for Electron's ABI, beside Node's (scripts/build-native-electron.mjs).
  const abi = readFileSync(join(root, 'node_modules', 'electron', 'abi_version'), 'utf8').trim()
  const native = join(root, 'build', 'native', `electron-${abi}`, `${process.platform}-${process.arch}`)
  if (!existsSync(join(native, 'better_sqlite3.node')))
    return `no better-sqlite3 for Electron's ABI ${abi} in ${native}: run npm run native:electron`
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'no display for Electron: run under xvfb-run'
  return undefined
}

/** Kubo and MinIO processes below a pid (POSIX `ps`; on Windows the check is skipped). */
function childServices(pid: number): number[] {
  if (process.platform === 'win32') return []
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 3)
    .map(([p, pp, ...comm]) => ({ pid: Number(p), ppid: Number(pp), comm: comm.join(' ') }))
  const below = new Set([pid])
  for (let grew = true; grew;) {
    grew = false
    for (const row of rows) {
      if (!below.has(row.ppid) || below.has(row.pid)) continue
      below.add(row.pid)
      grew = true
    }
  }
  return rows.filter((r) => below.has(r.pid) && /(^|\/)(ipfs|minio)(\.exe)?$/.test(r.comm)).map((r) => r.pid)
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

// The page's view of window.tack (this file is type-checked without the DOM library).
type PageGlobals = { tack?: TackApi }

describe('the desktop app', () => {
  const reason = skipReason()
  const userData = mkdtempSync(join(tmpdir(), 'tack-e2e-electron-'))
  let app: ElectronApplication | undefined
  afterAll(async () => {
    await app?.close().catch(() => {})
    rmSync(userData, { recursive: true, force: true })
  })

  it('starts the core, uploads through the window and leaves no process behind', { timeout: 180_000 }, async (ctx) => {
    if (reason) {
      console.warn(`skipped: ${reason}`)
      ctx.skip(reason)
    }
    expect(existsSync(join(root, 'out', 'main', 'index.js')), 'run `npm run build` first').toBe(true)
    const executablePath = (electronBinary() as { path: string }).path
    app = await _electron.launch({
      executablePath,
      // Chromium refuses to run as root with its OS sandbox; CI containers often are root.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), root, `--user-data-dir=${userData}`],
      env: { ...process.env, TACK_PORT: '0', TACK_IPFS_NETWORK: 'local', ELECTRON_RENDERER_URL: '' } as Record<
        string,
        string
      >,
      timeout: 60_000,
    })
    const electronPid = app.process().pid!
    const page: Page = await app.firstWindow({ timeout: 120_000 })
    expect(page.url()).toBe('app://tack/index.html')

    const conn = await waitFor(
      'the core',
      async () => {
        const result = await page.evaluate(() => (globalThis as PageGlobals).tack!.getConnection())
        return result.ok ? result.value : undefined
      },
      120_000,
    )
    expect(conn.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    // The page signs in and uploads with its own fetch, as the renderer does: the hand-off is a one-time login
    // token, exchanged for a session secret (sent as a Bearer token); the CSP must allow the core's origin.
    const uploaded = await page.evaluate(async ({ apiUrl, token }: Connection) => {
      const session = await fetch(`${apiUrl}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      })
      if (!session.ok) return { status: session.status, body: await session.text() }
      const { secret } = (await session.json()) as { secret: string }
      const res = await fetch(`${apiUrl}/api/files?name=hello.txt`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/octet-stream' },
        body: new Blob(['hello world']),
      })
      return { status: res.status, body: await res.text() }
    }, conn)
    expect(uploaded.status, uploaded.body).toBeLessThan(300)
    expect(uploaded.body).toContain(HELLO_CID)

    const version: IpcResult<string> = await page.evaluate(() => (globalThis as PageGlobals).tack!.appVersion())
    expect(version).toMatchObject({ ok: true })

    const services = childServices(electronPid)
    if (process.platform !== 'win32') expect(services.length).toBeGreaterThan(0)
    const exited = new Promise<number | null>((resolve) => app!.process().once('exit', (code) => resolve(code)))
    await app.evaluate(({ app: electronApp }) => electronApp.quit())
    expect(await exited).toBe(0)
    app = undefined
    await waitFor('Kubo and MinIO to exit', async () => (services.some(alive) ? undefined : true), 10_000)
  })
})
