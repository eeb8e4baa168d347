// The `tack` CLI against a real SQLite file, with and without `tack serve` running.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { json } from './fixtures/http.js'
import { spawnServe } from './fixtures/serve.js'
import { tempDir } from './fixtures/tmp.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')

describe('tack CLI', () => {
  const dir = tempDir()
  afterAll(() => dir.remove())
  const tack = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/tack.js', ...args], {
        cwd: ROOT,
        env: { ...process.env, TACK_DATA_DIR: dir.path },
      })
      return { code: 0, stdout, stderr }
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string }
      return { code: e.code, stdout: e.stdout, stderr: e.stderr }
    }
  }

  it('creates a key while nothing runs and prints the secret alone', async () => {
    const created = await tack('key', 'create', '--name', 'laptop')
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/^tack_[A-Za-z0-9_-]{43}\n$/)
    const list = await tack('key', 'list')
    expect(list.stdout).toContain('laptop')
    expect(list.stdout).toContain('pins:read,pins:write,files:read,files:write')
    expect(list.stdout).not.toContain(created.stdout.trim())
    expect(list.stdout).not.toContain('admin')
  })

  it('creates accounts with the default or a given quota and keys on them', async () => {
    expect((await tack('account', 'create', 'team')).stdout).toContain('quota 1073741824 bytes')
    expect((await tack('account', 'create', 'small', '--quota', '1000')).stdout).toContain('quota 1000 bytes')
    const dup = await tack('account', 'create', 'team')
    expect(dup.code).toBe(1)
    expect(dup.stderr).toMatch(/exists already/)
    const key = await tack('key', 'create', '--name', 'ci', '--scope', 'pins:read', '--account', 'team')
    expect(key.code).toBe(0)
    const bad = await tack('key', 'create', '--name', 'x', '--scope', 'everything')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/unknown scope everything/)
    expect(bad.stdout).toBe('')
  })

  it('fails to serve with a clear message when Kubo cannot be found', async () => {
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['bin/tack.js', 'serve'],
        { cwd: ROOT, env: { ...process.env, TACK_DATA_DIR: dir.path, TACK_KUBO_BINARY: '/nonexistent/ipfs', TACK_PORT: '0' } },
        (err, _stdout, stderr) => resolve({ code: (err as { code?: number } | null)?.code ?? 0, stderr }),
      ),
    )
    expect(code).toBe(1)
    expect(stderr).toContain('kubo binary not found at /nonexistent/ipfs')
  })

  it('works beside a running server: a new key works at once, a revoked one gets 401', async () => {
    expect((await tack('status')).code).toBe(3)
    const serve = await spawnServe(dir.path)
    try {
      const status = await tack('status')
      expect(status.code).toBe(0)
      expect(JSON.parse(status.stdout).healthy).toBe(true)

      const secret = (await tack('key', 'create', '--name', 'live')).stdout.trim()
      const me = await fetch(`${serve.url}/api/accounts/me`, { headers: { authorization: `Bearer ${secret}` } })
      expect(me.status).toBe(200)
      expect((await json(me)).name).toBe('owner')

      const id = (await tack('key', 'list')).stdout.split('\n').find((l) => l.includes('\tlive\t'))!.split('\t')[0]!
      expect((await tack('key', 'revoke', id)).code).toBe(0)
      const after = await fetch(`${serve.url}/api/accounts/me`, { headers: { authorization: `Bearer ${secret}` } })
      expect(after.status).toBe(401)
      expect((await tack('key', 'list')).stdout).toMatch(/\tlive\t.*last used \d{4}-.*REVOKED/)
    } finally {
      serve.child.kill('SIGTERM')
      await serve.exited
    }
  })
})
