// Issue 26, "on IPFS when added": what the UI sends for an add (`pin=true` while the owner's add-to-IPFS
// setting is on, the default) is on IPFS at once: a second Kubo connected to Tack's fetches it within 10 s with
// no gateway read first. The API keeps the seed's model (no `pin`: on demand), the setting survives a restart,
// and each file says where it is in words.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { tempDir } from './fixtures/tmp.js'

interface FileJson {
  cid: string
  state: string
  where: string
}

describe('files added from the UI go on IPFS at once', () => {
  const dir = tempDir('tack-add-to-ipfs-')
  let tack: TestTack
  let peer: KuboTestNode
  beforeAll(async () => {
    tack = await startTack({ dataDir: dir.path })
    peer = await startKuboNode()
  })
  afterAll(async () => {
    await peer?.stop()
    await tack?.destroy()
    dir.remove()
  })

  const put = async (query: string, body: Buffer): Promise<FileJson> => {
    const res = await tack.api(`/api/files?${query}`, { method: 'PUT', body })
    expect(res.status, await res.clone().text()).toBe(201)
    return (await res.json()) as FileJson
  }

  it('is on by default, and a second Kubo fetches such a file within 10 s without any gateway read', async () => {
    const settings = (await (await tack.api('/api/settings')).json()) as { addToIpfs: boolean }
    expect(settings.addToIpfs).toBe(true)
    const text = randomBytes(150 * 1024).toString('hex') // text: the CLI's output comes back as a string
    const file = await put('name=ui-added.txt&pin=true', Buffer.from(text))
    const tackAddr = tack.core.kubo.identity()!.Addresses.find((a) => a.startsWith('/ip4/127.0.0.1/tcp/'))!
    await peer.ipfs(['swarm', 'connect', tackAddr])
    const t0 = Date.now()
    const fetched = await peer.ipfs(['cat', '--timeout=10s', file.cid], { timeoutMs: 15_000 })
    expect(Date.now() - t0).toBeLessThan(10_000)
    expect(fetched).toBe(text)
    const now = (await (await tack.api(`/api/files/${file.cid}`)).json()) as FileJson
    expect(now).toMatchObject({ state: 'pinned', where: 'on IPFS' })
  })

  it('keeps API uploads without pin on demand, and says so; private files say private', async () => {
    const later = await put('name=on-demand.bin', randomBytes(1000))
    expect(later).toMatchObject({ state: 'stored', where: 'on this computer only' })
    const secret = await put('name=secret.bin&private=true', randomBytes(1000))
    expect(secret.where).toBe('private')
    expect(await tack.core.kubo.client.isPinned(secret.cid)).toBe(false)
  })

  it('remembers the setting across a restart', async () => {
    const res = await tack.api('/api/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ addToIpfs: false }),
    })
    expect(((await res.json()) as { addToIpfs: boolean }).addToIpfs).toBe(false)
    const bad = await tack.api('/api/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({}),
    })
    expect(bad.status).toBe(400)
    await tack.stop()
    tack = await startTack({ dataDir: dir.path })
    expect(((await (await tack.api('/api/settings')).json()) as { addToIpfs: boolean }).addToIpfs).toBe(false)
  })
})
