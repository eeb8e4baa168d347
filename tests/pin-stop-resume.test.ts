// SIGTERM of a real `tack serve` with 40 fetches of content nobody has in flight: it exits within 5 s with
// no Kubo or MinIO left, and at the next start all 40 pins are still queued or pinning (nothing lost,
// nothing failed early).
import { afterAll, describe, expect, it } from 'vitest'
import { startTack } from './fixtures/core.js'
import { processesWithEnv, waitFor } from './fixtures/processes.js'
import { psaClient } from './fixtures/psa.js'
import { spawnServe } from './fixtures/serve.js'
import { tempDir } from './fixtures/tmp.js'
import { unfindableCid } from './fixtures/cids.js'

describe.runIf(process.platform === 'linux')('stop with pins in flight', () => {
  const dir = tempDir()
  afterAll(() => dir.remove())

  it('SIGTERM with 40 unfindable pins in flight: exits within 5 s, no child left, all 40 still waiting after restart', async () => {
    // The pins are made through a core in this process, then served by a real `tack serve`.
    const setup = await startTack({ dataDir: dir.path })
    const key = setup.keyFor('alice', ['pins:read', 'pins:write'])
    const alice = psaClient(setup, key)
    const cids = await Promise.all(Array.from({ length: 8 }, unfindableCid))
    const ids: string[] = []
    for (const cid of cids)
      for (let i = 0; i < 5; i++) ids.push((await alice.add({ cid, name: `missing-${i}` })).requestid)
    await setup.stop()

    const serve = await spawnServe(dir.path, { TACK_PIN_SEARCH_MS: '60000' })
    const get = async (path: string) =>
      (await (
        await fetch(`${serve.url}/api/pinning${path}`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as {
        count: number
      }
    await waitFor(async () => (await get('/pins?status=pinning&limit=1000')).count >= 20, 'fetches to be in flight')
    const t0 = Date.now()
    serve.child.kill('SIGTERM')
    const code = await serve.exited
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(code).toBe(0)
    const children = processesWithEnv(`TACK_DATA_DIR=${dir.path}`).filter((p) => !p.command.includes('tack.js'))
    expect(children).toEqual([])

    const again = await startTack({ dataDir: dir.path })
    try {
      const client = psaClient(again, key)
      const statuses = await Promise.all(ids.map((id) => client.get(id)))
      expect(statuses.map((s) => s.status).filter((s) => s !== 'queued' && s !== 'pinning')).toEqual([])
      expect(statuses).toHaveLength(40)
    } finally {
      await again.stop()
    }
  })
})
