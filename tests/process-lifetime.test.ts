// Children never outlive Tack, and a pid file never makes Tack kill a stranger or refuse to start:
// - kill -9 of a real `tack serve`: its Kubo and MinIO (spawned through tack-launcher) and its byte relay are
//   gone 3 s later;
// - SIGTERM of a serving Tack: exits within 5 s;
// - stale pid files (Tack's, Kubo's, MinIO's) naming an unrelated live process: it survives and Tack starts.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { projectRoot, resolveBinary } from '../src/main/core/binaries.js'
import { createKuboClient } from '../src/main/core/kubo/client.js'
import { apiAuthorization } from '../src/main/core/kubo/secret.js'
import { paths } from '../src/main/core/state.js'
import { createServer } from 'node:net'
import { kuboBinary } from './fixtures/binaries.js'
import { startTack } from './fixtures/core.js'
import { kuboPidsFor, pidsMatching, processesWithEnv, waitFor } from './fixtures/processes.js'
import { spawnServe } from './fixtures/serve.js'
import { tempDir } from './fixtures/tmp.js'

const LAUNCHER = join(projectRoot(), 'resources', 'bin', `${process.platform}-${process.arch}`, 'tack-launcher')

describe.runIf(process.platform === 'linux')('process lifetime', () => {
  const dirs: Array<{ remove(): void }> = []
  afterAll(() => dirs.forEach((d) => d.remove()))
  const dataDir = () => {
    const d = tempDir()
    dirs.push(d)
    return d.path
  }
  // Every process of one data dir carries TACK_DATA_DIR in its environment (children inherit it).
  const childrenOf = (dir: string) =>
    processesWithEnv(`TACK_DATA_DIR=${dir}`).filter((p) => !p.command.includes('tack.js'))

  it('the launcher is built (scripts/build-binaries.sh launcher)', () => {
    expect(existsSync(LAUNCHER), `${LAUNCHER} missing`).toBe(true)
  })

  it('kill -9 of tack serve leaves no Kubo or MinIO of its data dir 3 s later', async () => {
    const dir = dataDir()
    const serve = await spawnServe(dir)
    const kids = childrenOf(dir)
    expect(kids.some((p) => p.command.includes('daemon'))).toBe(true)
    expect(kids.some((p) => p.command.includes('minio'))).toBe(true)
    // The gateway's byte relay ends when its IPC channel to Tack closes.
    expect(kids.some((p) => p.command.endsWith('tack-launcher relay'))).toBe(true)
    serve.child.kill('SIGKILL')
    await serve.exited
    await new Promise((r) => setTimeout(r, 3000))
    expect(childrenOf(dir)).toEqual([])
  })

  it('SIGTERM exits within 5 s and takes Kubo and MinIO along', async () => {
    const dir = dataDir()
    const serve = await spawnServe(dir)
    const t0 = Date.now()
    serve.child.kill('SIGTERM')
    expect(await serve.exited).toBe(0)
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(childrenOf(dir)).toEqual([])
  })

  it('a failed start (HTTP port taken) rolls back within 5 s of the failure, leaving no child', async () => {
    const dir = dataDir()
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const port = (blocker.address() as { port: number }).port
    try {
      // A start that works first: how long the children take to come up here.
      const ok = await startTack({ dataDir: dir })
      await ok.stop()
      const t0 = Date.now()
      const baseline = await startTack({ dataDir: dir }).then(async (t) => {
        const ms = Date.now() - t0
        await t.stop()
        return ms
      })
      const t1 = Date.now()
      await expect(startTack({ dataDir: dir, config: { port } })).rejects.toThrow(/EADDRINUSE|in use/)
      expect(Date.now() - t1).toBeLessThan(baseline + 5000)
      const p = paths(dir)
      expect(kuboPidsFor(p.kuboRepo)).toEqual([])
      expect(pidsMatching(p.minioData)).toEqual([])
    } finally {
      blocker.close()
    }
  })

  it('a MinIO left running on the data dir (no pid file) is found by its port and ended; Tack starts', async () => {
    const dir = dataDir()
    const p = paths(dir)
    await (await startTack({ dataDir: dir })).stop()
    const settings = JSON.parse(readFileSync(p.minioSettings, 'utf8')) as {
      accessKey: string
      secretKey: string
      apiPort: number
    }
    const binary = resolveBinary({ name: 'minio', file: 'minio' })
    const leftover = spawn(binary, ['server', p.minioData, '--address', `127.0.0.1:${settings.apiPort}`, '--quiet'], {
      env: {
        ...process.env,
        MINIO_ROOT_USER: settings.accessKey,
        MINIO_ROOT_PASSWORD: settings.secretKey,
        MINIO_BROWSER: 'off',
      },
      stdio: 'ignore',
    })
    try {
      await waitFor(
        () => fetch(`http://127.0.0.1:${settings.apiPort}/minio/health/live`).then((r) => r.ok),
        'the leftover MinIO to answer',
      )
      const tack = await startTack({ dataDir: dir })
      try {
        await waitFor(
          () => leftover.exitCode !== null || leftover.signalCode !== null,
          'the leftover to be ended',
          5000,
        )
        expect(pidsMatching(p.minioData)).toHaveLength(1) // Tack's own
      } finally {
        await tack.stop()
      }
    } finally {
      leftover.kill('SIGKILL')
    }
  })

  it('a Kubo left running on the repo (no pid file) is asked to shut down through its own API; Tack starts', async () => {
    const dir = dataDir()
    const p = paths(dir)
    await (await startTack({ dataDir: dir })).stop()
    const leftover = spawn(kuboBinary(), ['daemon', '--migrate=false', '--enable-gc=false'], {
      env: { ...process.env, IPFS_PATH: p.kuboRepo },
      stdio: 'ignore',
    })
    try {
      // The leftover really serves this repo (its API answers Tack's secret) before Tack starts.
      // Kubo's `api` file names its RPC's socket (`/unix/PATH`) once it listens.
      const socket = () =>
        readFileSync(join(p.kuboRepo, 'api'), 'utf8')
          .trim()
          .replace(/^\/unix/, '')
      const authorization = () => apiAuthorization(readFileSync(p.kuboApiSecret, 'utf8').trim())
      const client = createKuboClient(() => 'http://localhost', authorization, socket)
      const id = await waitFor(() => client.id(), 'the leftover Kubo to answer')
      expect(leftover.exitCode).toBeNull()
      const tack = await startTack({ dataDir: dir })
      try {
        await waitFor(
          () => leftover.exitCode !== null || leftover.signalCode !== null,
          'the leftover to be ended',
          5000,
        )
        // It shut down by itself (exit code), not by a signal.
        expect(leftover.signalCode).toBeNull()
        expect(kuboPidsFor(p.kuboRepo)).toHaveLength(1)
        expect(tack.core.kubo.identity()?.ID).toBe(id.ID)
      } finally {
        await tack.stop()
      }
    } finally {
      leftover.kill('SIGKILL')
    }
  })

  it('stale pid files naming an unrelated live process: it survives and Tack starts', async () => {
    const dir = dataDir()
    const p = paths(dir)
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore' })
    try {
      const pid = stranger.pid!
      mkdirSync(p.kuboRepo, { recursive: true })
      // Tack's own lock file, and the children's pid files, as a kill -9 long ago might have left them (the
      // identity line names a process that started at another time).
      writeFileSync(p.pidFile, `${pid}\n\n${JSON.stringify({ pid, start: '1', exe: process.execPath })}\n`)
      writeFileSync(
        join(p.kuboRepo, 'tack-kubo.pid'),
        `${pid}\n/usr/bin/sleep\n${JSON.stringify({ pid, start: '1', exe: '/usr/bin/sleep' })}\n`,
      )
      writeFileSync(p.minioPid, `${pid}\nsleep\n${JSON.stringify({ pid, start: '1', exe: '/usr/bin/sleep' })}\n`)
      const serve = await spawnServe(dir)
      try {
        expect(stranger.exitCode).toBeNull()
        expect(stranger.signalCode).toBeNull()
        process.kill(pid, 0) // still alive
      } finally {
        serve.child.kill('SIGTERM')
        await serve.exited
      }
      await waitFor(() => childrenOf(dir).length === 0, 'children to be gone', 5000)
      expect(stranger.exitCode).toBeNull()
    } finally {
      stranger.kill('SIGKILL')
    }
  })
})
