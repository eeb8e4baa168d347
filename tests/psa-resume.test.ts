// Crash safety of the pin queue: pins queued for content that no one provides yet survive `kill -9` of
// `tack serve` (its orphaned Kubo is killed by the next start through the supervisor's pid file), and
// finish after the restart once a second Kubo provides the content.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'
import type { PinStatus } from '../src/shared/psa.js'
import { kuboBinary } from './fixtures/binaries.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { kuboPidsFor, waitFor } from './fixtures/processes.js'
import { spawnServe, type ServeProcess } from './fixtures/serve.js'
import { tempDir } from './fixtures/tmp.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
const dir = tempDir()
const env = { TACK_DATA_DIR: dir.path, TACK_IPFS_NETWORK: 'local', TACK_KUBO_BINARY: kuboBinary(), TACK_PIN_TIMEOUT_MS: '120000' }
let provider: KuboTestNode | undefined
let serve: ServeProcess | undefined

afterAll(async () => {
  if (serve && serve.child.exitCode === null) {
    serve.child.kill('SIGTERM')
    await serve.exited
  }
  await provider?.stop()
  dir.remove()
})

async function psa(url: string, key: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${url}/api/pinning${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  })
  return { status: res.status, json: (await res.json()) as any } // eslint-disable-line @typescript-eslint/no-explicit-any
}

it('finishes queued pins after kill -9 and a restart', async () => {
  const texts = [1, 2, 3].map((i) => `provided only later ${i} ${Date.now()}`)
  provider = await startKuboNode()
  const cids = await Promise.all(
    texts.map(async (t) => (await provider!.ipfs(['add', '-Q', '--only-hash', '--cid-version=1'], { input: t })).trim()),
  )
  const { stdout } = await run(process.execPath, ['bin/tack.js', 'key', 'create', '--name', 'resume'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  })
  const key = stdout.trim()

  serve = await spawnServe(dir.path, env)
  const kuboRepo = join(dir.path, 'kubo')
  const firstKubo = kuboPidsFor(kuboRepo)
  expect(firstKubo).toHaveLength(1)
  const requestids: string[] = []
  for (const [i, cid] of cids.entries()) {
    const res = await psa(serve.url, key, '/pins', { method: 'POST', body: JSON.stringify({ cid, name: `later-${i}`, origins: provider.addresses }) })
    expect(res.status).toBe(202)
    requestids.push(res.json.requestid)
  }
  const url1 = serve.url
  await waitFor(async () => (await psa(url1, key, `/pins/${requestids[0]}`)).json.status === 'pinning', 'the worker to start fetching')

  serve.child.kill('SIGKILL')
  await serve.exited
  // Tack is gone. Its Kubo is orphaned (it may also die of SIGPIPE on its next log line); the restart must
  // get rid of it either way, or the repo lock would stop the new Kubo.

  serve = await spawnServe(dir.path, env)
  const url2 = serve.url
  await waitFor(() => kuboPidsFor(kuboRepo).length === 1 && kuboPidsFor(kuboRepo)[0] !== firstKubo[0], 'the orphaned Kubo to be replaced')
  for (const id of requestids) {
    const pin = (await psa(url2, key, `/pins/${id}`)).json as PinStatus
    expect(['queued', 'pinning']).toContain(pin.status)
  }

  // Now, and only now, the content exists somewhere.
  for (const t of texts) await provider.ipfs(['add', '-Q', '--cid-version=1'], { input: t })
  for (const id of requestids) {
    await waitFor(
      async () => {
        const pin = (await psa(url2, key, `/pins/${id}`)).json as PinStatus
        if (pin.status === 'failed') throw new Error(`failed: ${pin.info?.status_details}`)
        return pin.status === 'pinned'
      },
      `pin ${id} to finish after the restart`,
      90_000,
    )
  }
  const listed = await psa(url2, key, '/pins?name=later&match=partial')
  expect(listed.json.count).toBe(3)
  expect(listed.json.results.every((p: PinStatus) => p.status === 'pinned')).toBe(true)
})
