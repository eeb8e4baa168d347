// The core against a real Kubo and a real SQLite file: start, health, crash recovery, restart reuse,
// and no Kubo left behind.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { readConfig } from '../src/main/core/kubo/repo.js'
import { paths } from '../src/main/core/state.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { json } from './fixtures/http.js'
import { kuboPidsFor, waitFor } from './fixtures/processes.js'
import { tempDir } from './fixtures/tmp.js'

describe('core lifecycle', () => {
  const dir = tempDir()
  afterAll(() => dir.remove())
  let tack: TestTack

  it('starts healthy with a peer ID, Kubo on loopback and never on standard ports', async () => {
    tack = await startTack({ dataDir: dir.path })
    const res = await tack.api('/api/status')
    expect(res.status).toBe(200)
    const status = await json(res)
    expect(status.healthy).toBe(true)
    expect(status.components.kubo.health).toBe('ok')
    expect(status.kubo.peerId).toMatch(/^12D3KooW/)
    expect(status.kubo.version).toMatch(/^0\.\d+\.\d+/)
    expect(status.kubo.addresses.length).toBeGreaterThan(0)

    const config = readConfig(paths(dir.path).kuboRepo)
    const ports = tack.core.kubo.ports()
    // The RPC listens on a socket in the repo, on no port (tests/kubo-rpc-lock.test.ts).
    expect(config.Addresses?.API).toBe(`/unix${join(paths(dir.path).kuboRepo, 'rpc.sock')}`)
    expect(ports.api).toBe(0)
    // So does the gateway, beside it (tests/kubo-gateway-lock.test.ts).
    expect(config.Addresses?.Gateway).toBe(`/unix${join(paths(dir.path).kuboRepo, 'gateway.sock')}`)
    expect(ports.gateway).toBe(0)
    for (const port of Object.values(ports)) expect([4001, 5001, 8080]).not.toContain(port)
  })

  it('keeps the data dir and the database readable by this user only', () => {
    expect(statSync(dir.path).mode & 0o777).toBe(0o700)
    expect(statSync(paths(dir.path).db).mode & 0o777).toBe(0o600)
    expect(statSync(paths(dir.path).sessionToken).mode & 0o777).toBe(0o600)
  })

  it('restarts Kubo after kill -9 and becomes healthy again', async () => {
    const before = tack.core.kubo.supervisor.pid!
    process.kill(before, 'SIGKILL')
    await waitFor(() => tack.core.kubo.supervisor.restarts === 1 && tack.core.kubo.supervisor.state === 'running', 'kubo restart')
    expect(tack.core.kubo.supervisor.pid).not.toBe(before)
    const status = await json(await tack.api('/api/status'))
    expect(status.healthy).toBe(true)
    expect(status.kubo.restarts).toBe(1)
    expect(await tack.core.kubo.client.id()).toMatchObject({ ID: status.kubo.peerId })
  })

  it('stops with no Kubo process left', async () => {
    const repo = paths(dir.path).kuboRepo
    expect(kuboPidsFor(repo)).toHaveLength(1)
    await tack.stop()
    expect(kuboPidsFor(repo)).toEqual([])
  })

  it('reuses the repo, ports, accounts and keys on a second start', async () => {
    const firstPorts = tack.core.kubo.ports()
    const firstPeer = tack.core.kubo.identity()!.ID
    const firstKey = tack.adminKey
    const again = await startTack({ dataDir: dir.path })
    try {
      expect(again.core.kubo.identity()!.ID).toBe(firstPeer)
      expect(again.core.kubo.ports()).toEqual(firstPorts)
      expect((await again.api('/api/accounts/me', { key: firstKey })).status).toBe(200)
      expect(again.core.state.accounts.list().filter((a) => a.isOwner)).toHaveLength(1)
    } finally {
      await again.stop()
    }
  })

  it('picks a new port when another program took one since the last run', async () => {
    const before = tack.core.kubo.ports()
    const squatter = createServer().listen(before.swarm, '127.0.0.1')
    await new Promise((r) => squatter.once('listening', r))
    const again = await startTack({ dataDir: dir.path })
    try {
      const after = again.core.kubo.ports()
      expect(after.swarm).not.toBe(before.swarm)
      expect(after.swarm).toBeGreaterThan(0)
      expect((await json(await again.api('/api/status'))).healthy).toBe(true)
    } finally {
      await again.stop()
      squatter.close()
    }
  })

  it('refuses a second core on the same data dir while one runs', async () => {
    const first = await startTack({ dataDir: dir.path })
    try {
      await expect(startTack({ dataDir: dir.path })).rejects.toThrow(/already running/)
    } finally {
      await first.stop()
    }
  })
})
