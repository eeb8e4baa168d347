// `tack serve` as users run it: signals stop it cleanly and take Kubo along; a kill -9 of Tack takes it
// along too (tack-launcher); a user's own Kubo on the standard ports keeps working.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { paths } from '../src/main/core/state.js'
import { isPortFree } from '../src/main/core/kubo/ports.js'
import { kuboBinary } from './fixtures/binaries.js'
import { json } from './fixtures/http.js'
import { holdsFor } from './fixtures/poll.js'
import { startKuboNode } from './fixtures/kubo-node.js'
import { kuboPidsFor, waitFor } from './fixtures/processes.js'
import { spawnServe } from './fixtures/serve.js'
import { tempDir } from './fixtures/tmp.js'

describe('tack serve', () => {
  const dirs: Array<{ remove(): void }> = []
  afterAll(() => dirs.forEach((d) => d.remove()))
  const dataDir = () => {
    const d = tempDir()
    dirs.push(d)
    return d.path
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops cleanly on ${signal} with no Kubo left`, async () => {
      const dir = dataDir()
      const serve = await spawnServe(dir)
      const repo = paths(dir).kuboRepo
      expect(kuboPidsFor(repo)).toHaveLength(1)
      serve.child.kill(signal)
      expect(await serve.exited).toBe(0)
      expect(kuboPidsFor(repo)).toEqual([])
      expect(serve.output()).toMatch(/stopped/)
    })
  }

  // `npm start` runs `sh -c "node bin/tack.js serve"` and passes a SIGTERM to that shell only.
  for (const underNpm of [true, false]) {
    it(underNpm
      ? 'stops cleanly when the shell of `npm start` is killed, with no Kubo left'
      : 'run outside npm, keeps serving when the shell that started it exits', async () => {
      const dir = dataDir()
      const repo = paths(dir).kuboRepo
      const { npm_lifecycle_event: _inherited, ...env } = process.env
      // `; exit $?` keeps the shell in between on every sh (bash would otherwise exec node in its place).
      const shell = spawn('sh', ['-c', `"${process.execPath}" bin/tack.js serve; exit $?`], {
        cwd: join(import.meta.dirname, '..'),
        env: { ...env, TACK_DATA_DIR: dir, TACK_IPFS_NETWORK: 'local', TACK_PORT: '0', TACK_KUBO_BINARY: kuboBinary(), ...(underNpm ? { npm_lifecycle_event: 'start' } : {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      shell.stdout.on('data', (d: Buffer) => (out += d.toString()))
      shell.stderr.on('data', (d: Buffer) => (out += d.toString()))
      await waitFor(() => /listening on/.test(out), 'tack serve to listen', 90_000)
      const tack = Number(readFileSync(`/proc/${shell.pid}/task/${shell.pid}/children`, 'utf8').trim().split(' ')[0])
      const alive = () => existsSync(`/proc/${tack}`) && !/^\S+ \(\S+\) Z/.test(readFileSync(`/proc/${tack}/stat`, 'utf8'))
      expect(alive()).toBe(true)
      shell.kill('SIGTERM')
      try {
        if (underNpm) {
          await waitFor(() => !alive(), 'Tack to stop after its npm shell', 10_000)
          expect(out).toMatch(/the npm script that started Tack exited: stopping/)
          expect(out).toMatch(/stopped/)
        } else {
          await holdsFor(alive, 'Tack running after its plain shell got SIGTERM', 2000)
        }
      } finally {
        if (alive()) process.kill(tack, 'SIGTERM')
        await waitFor(() => !alive(), 'Tack to stop', 10_000)
      }
      await waitFor(() => kuboPidsFor(repo).length === 0, 'Kubo to end with Tack', 5000)
    })
  }

  it('takes Kubo along on kill -9 of Tack (tack-launcher), and the next start keeps the same node', async () => {
    const dir = dataDir()
    const repo = paths(dir).kuboRepo
    const first = await spawnServe(dir)
    const peer = first.output().match(/Kubo peer ID:\s+(\S+)/)?.[1]
    first.child.kill('SIGKILL')
    await first.exited
    // The launcher's parent-death signal ends Kubo with Tack (tests/process-lifetime.test.ts for MinIO too).
    await waitFor(() => kuboPidsFor(repo).length === 0, 'Kubo to end with Tack', 3000)

    const second = await spawnServe(dir)
    try {
      expect(kuboPidsFor(repo)).toHaveLength(1)
      expect(second.output()).toContain(`Kubo peer ID:        ${peer}`)
    } finally {
      second.child.kill('SIGTERM')
      await second.exited
    }
    expect(kuboPidsFor(repo)).toEqual([])
  })

  it("leaves a user's Kubo on the standard ports working", async (ctx) => {
    const standard = { swarm: 4001, api: 5001, gateway: 8080 }
    for (const port of Object.values(standard))
      if (!(await isPortFree(port))) ctx.skip(`port ${port} is in use on this machine`)
    const users = await startKuboNode({ ports: standard })
    const dir = dataDir()
    const serve = await spawnServe(dir)
    try {
      const cid = (await users.ipfs(['add', '-Q', '--cid-version=1'], { input: 'mine' })).trim()
      expect((await users.ipfs(['cat', cid])).toString()).toBe('mine')
      expect(users.apiUrl).toBe('http://127.0.0.1:5001')
      const token = readFileSync(paths(dir).sessionToken, 'utf8')
      const status = await json(await fetch(`${serve.url}/api/status`, { headers: { authorization: `Bearer ${token}` } }))
      expect(status.healthy).toBe(true)
      expect(status.kubo.peerId).not.toBe(users.peerId)
      // The user's node answers on 5001 while Tack's Kubo runs beside it.
      const id = await json(await fetch('http://127.0.0.1:5001/api/v0/id', { method: 'POST' }))
      expect(id.ID).toBe(users.peerId)
    } finally {
      serve.child.kill('SIGTERM')
      await serve.exited
      await users.stop()
    }
  })
})
