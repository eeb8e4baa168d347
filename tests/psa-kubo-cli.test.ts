// Tack's Pinning Service API driven by Kubo's own `ipfs pin remote` commands, with a second, plain Kubo as
// the user's node. Both nodes are on loopback without routing: content moves because Tack dials the
// origins Kubo sends and Kubo dials the delegates Tack returns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { KUBO_POLL } from './fixtures/poll.js'
import { psaClient } from './fixtures/psa.js'

let tack: TestTack
let user: KuboTestNode
let key: string

const add = async (node: KuboTestNode, text: string) =>
  (await node.ipfs(['add', '-Q', '--cid-version=1'], { input: text })).trim()
const lsLines = (out: string) => out.trim().split('\n').filter(Boolean)

beforeAll(async () => {
  ;[tack, user] = await Promise.all([startTack(), startKuboNode()])
  key = tack.keyFor('cli-user', ['pins:read', 'pins:write'])
  await user.ipfs(['pin', 'remote', 'service', 'add', 'tack', `${tack.url}/api/pinning`, key])
})

afterAll(async () => {
  await Promise.all([tack?.destroy(), user?.stop()])
})

describe('ipfs pin remote against Tack', () => {
  it('pins content only the user has, in the foreground, and keeps it after the user node stops', async () => {
    const other = await startKuboNode()
    try {
      const key2 = tack.keyFor('cli-other', ['pins:read', 'pins:write'])
      await other.ipfs(['pin', 'remote', 'service', 'add', 'tack', `${tack.url}/api/pinning`, key2])
      const cid = await add(other, `only the user has this ${Date.now()}`)
      const out = await other.ipfs(['pin', 'remote', 'add', '--service=tack', '--name=foreground', cid])
      expect(out).toMatch(/Status:\s+pinned/)
      expect(out).toContain(cid)
      await other.stop()
      expect(await tack.core.kubo.client.isPinned(cid)).toBe(true)
      const res = await tack.core.kubo.client.call('cat', { arg: cid, offline: 'true' })
      expect(await res.text()).toMatch(/^only the user has this/)
    } finally {
      await other.stop()
    }
  })

  it('adds in the background and lists by status, several statuses, --cid and --name', async () => {
    const cid = await add(user, `background ${Date.now()}`)
    const out = await user.ipfs(['pin', 'remote', 'add', '--service=tack', '--name=bg-one', '--background', cid])
    expect(out).toMatch(/Status:\s+(queued|pinning|pinned)/)
    const client = psaClient(tack, key)
    const [found] = (await client.list(`?cid=${cid}`)).results
    await client.waitFor(found!.requestid, 'pinned')

    const pinned = await user.ipfs(['pin', 'remote', 'ls', '--service=tack'])
    expect(pinned).toContain(`${cid}\tpinned\tbg-one`)
    const byCid = lsLines(await user.ipfs(['pin', 'remote', 'ls', '--service=tack', `--cid=${cid}`]))
    expect(byCid).toEqual([`${cid}\tpinned\tbg-one`])
    const byName = lsLines(await user.ipfs(['pin', 'remote', 'ls', '--service=tack', '--name=bg-one']))
    expect(byName).toEqual([`${cid}\tpinned\tbg-one`])
    for (const status of ['queued', 'pinning', 'failed']) {
      const lines = lsLines(await user.ipfs(['pin', 'remote', 'ls', '--service=tack', `--status=${status}`, '--name=bg-one']))
      expect(lines).toEqual([])
    }
    const several = await user.ipfs(['pin', 'remote', 'ls', '--service=tack', '--status=queued,pinning,pinned,failed', `--cid=${cid}`])
    expect(lsLines(several)).toHaveLength(1)
  })

  it('lists queued and failed pins by status', async () => {
    // Nobody has this content: it stays queued/pinning (no provider) until its deadline.
    const missing = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
    await user.ipfs(['pin', 'remote', 'add', '--service=tack', '--name=never', '--background', missing])
    const pending = await user.ipfs(['pin', 'remote', 'ls', '--service=tack', '--status=queued,pinning', '--name=never'])
    expect(lsLines(pending)).toHaveLength(1)
    expect(pending).toMatch(new RegExp(`${missing}\\t(queued|pinning)\\tnever`))
    await user.ipfs(['pin', 'remote', 'rm', '--service=tack', '--name=never', '--status=queued,pinning,failed'])
    expect(lsLines(await user.ipfs(['pin', 'remote', 'ls', '--service=tack', '--status=queued,pinning,pinned,failed', '--name=never']))).toEqual([])
  })

  it('lists 25 pins in full through pagination', async () => {
    const cids: string[] = []
    for (let i = 0; i < 25; i++) cids.push(await add(user, `page item ${i} ${Date.now()}`))
    for (const cid of cids) await user.ipfs(['pin', 'remote', 'add', '--service=tack', '--name=paged', '--background', cid])
    const out = await user.ipfs(['pin', 'remote', 'ls', '--service=tack', '--name=paged', '--status=queued,pinning,pinned,failed'])
    const listed = lsLines(out).map((l) => l.split('\t')[0])
    expect(listed).toHaveLength(25)
    expect(new Set(listed)).toEqual(new Set(cids))
    // Newest first.
    expect(listed[0]).toBe(cids[24])
    expect(listed[24]).toBe(cids[0])
  })

  it('rm refuses two matches without --force, with Kubo\'s own message, and removes both with it', async () => {
    const cid = await add(user, `twice ${Date.now()}`)
    await user.ipfs(['pin', 'remote', 'add', '--service=tack', '--name=twice', cid])
    await user.ipfs(['pin', 'remote', 'add', '--service=tack', '--name=twice', cid])
    const refused = await user.ipfsResult(['pin', 'remote', 'rm', '--service=tack', '--name=twice'])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain('multiple remote pins are matching this query, add --force to confirm the bulk removal')
    expect(lsLines(await user.ipfs(['pin', 'remote', 'ls', '--service=tack', '--name=twice']))).toHaveLength(2)
    await user.ipfs(['pin', 'remote', 'rm', '--service=tack', '--name=twice', '--force'])
    expect(lsLines(await user.ipfs(['pin', 'remote', 'ls', '--service=tack', '--name=twice']))).toEqual([])
    // The last reference went: Kubo unpins.
    await expect.poll(() => tack.core.kubo.client.isPinned(cid), KUBO_POLL).toBe(false)
  })

  it('service ls --stat counts by status', async () => {
    const out = await user.ipfs(['pin', 'remote', 'service', 'ls', '--stat'])
    expect(out).toMatch(new RegExp(`^tack\\s+${tack.url}/api/pinning\\s+\\d+/\\d+/\\d+/\\d+`, 'm'))
  })

  it('pins bafkqaaa at once', async () => {
    const out = await user.ipfs(['pin', 'remote', 'add', '--service=tack', '--name=empty', 'bafkqaaa'])
    expect(out).toMatch(/Status:\s+pinned/)
  })

  it('a wrong key and a wrong path fail as Kubo expects', async () => {
    await user.ipfs(['pin', 'remote', 'service', 'add', 'badkey', `${tack.url}/api/pinning`, 'tack_not-a-key'])
    await user.ipfs(['pin', 'remote', 'service', 'add', 'badpath', `${tack.url}/api/nothing-here`, key])
    const stat = await user.ipfs(['pin', 'remote', 'service', 'ls', '--stat'])
    expect(stat).toMatch(/^badkey\s+\S+\s+invalid/m)
    expect(stat).toMatch(/^badpath\s+\S+\s+invalid/m)
    const wrongKey = await user.ipfsResult(['pin', 'remote', 'ls', '--service=badkey'])
    expect(wrongKey.code).not.toBe(0)
    expect(wrongKey.stderr).toContain('UNAUTHORIZED')
    const wrongPath = await user.ipfsResult(['pin', 'remote', 'ls', '--service=badpath'])
    expect(wrongPath.code).not.toBe(0)
    expect(wrongPath.stderr).toContain('NOT_FOUND')
    expect(wrongPath.stderr).not.toContain('undefined response type')
  })
})
