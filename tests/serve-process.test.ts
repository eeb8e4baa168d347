// `tack serve` as users run it: signals stop it cleanly and take Kubo along; a kill -9 of Tack takes it
// along too (tack-launcher); a user's own Kubo on the standard ports keeps working.
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { paths } from '../src/main/core/state.js'
import { isPortFree } from '../src/main/core/kubo/ports.js'
import { json } from './fixtures/http.js'
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
