// Reference counting proved against a model: fast-check runs random sequences of add, replace, delete and
// concurrent duplicates across two accounts through a real core (real SQLite, real Kubo), then checks that
// Kubo's recursive pinset holds exactly the contents the model says must be held. Commands run back to back
// without waiting, so objects are replaced and deleted while their content is still queued or fetching (the
// replaced-twice case is one of the generated shapes, and one of the fixed examples). While any
// replacement is still pending, the content its lineage last had settled must stay pinned in Kubo.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { multihashOf } from '../src/main/core/cid/index.js'
import { parsePinBody } from '../src/main/core/pins/index.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { holdsFor } from './fixtures/poll.js'
import { waitFor } from './fixtures/processes.js'
import { unfindableCid } from './fixtures/cids.js'

const CONTENTS = 4
const RUNS = Number(process.env.TACK_REFCOUNT_RUNS ?? 200)

let tack: TestTack
let accounts: number[] = []
let contents: string[] = []
let contentMh: string[] = []

beforeAll(async () => {
  // No GC during the test: unpinned blocks stay, so every content can be pinned again at once.
  tack = await startTack({ config: { gcDelayMs: 24 * 3_600_000 } })
  accounts = ['model-a', 'model-b'].map((name) => tack.core.state.accounts.create(name).id)
  const added = await Promise.all(
    Array.from({ length: CONTENTS }, (_, i) =>
      tack.core.kubo.client.add(
        (async function* () {
          yield {
            path: `c${i}`,
            content: (async function* () {
              yield new TextEncoder().encode(`refcount content ${i} ${Date.now()}`)
            })(),
          }
        })(),
      ),
    ),
  )
  contents = added.map((entries) => entries.at(-1)!.Hash)
  contentMh = contents.map((c) => multihashOf(c)!)
  for (const c of contents) expect(c).toMatch(/^baf/)
}, 120_000)

afterAll(async () => {
  await tack?.destroy()
})

type Cmd =
  | { op: 'add'; account: number; content: number }
  | { op: 'dup'; content: number } // the same content added in both accounts at once
  | { op: 'replace'; pick: number; content: number }
  | { op: 'delete'; pick: number }
  | { op: 'settle' } // wait until every object is pinned, so later replaces have settled content to hold

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), account: fc.nat(1), content: fc.nat(CONTENTS - 1) }),
  fc.record({ op: fc.constant('dup' as const), content: fc.nat(CONTENTS - 1) }),
  fc.record({ op: fc.constant('replace' as const), pick: fc.nat(20), content: fc.nat(CONTENTS - 1) }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat(20) }),
  fc.constant({ op: 'settle' as const }),
)

interface Live {
  requestid: string
  account: number
  content: number
  /** The content this object's lineage last had settled (pinned), held until this object settles. */
  held?: number
}

async function kuboHeld(): Promise<Set<string>> {
  const mine = new Set(contentMh)
  return new Set(
    (await tack.core.kubo.client.pinLsRecursive()).map((c) => multihashOf(c)!).filter((mh) => mine.has(mh)),
  )
}

async function run(cmds: Cmd[]): Promise<void> {
  const { pins } = tack.core
  const live: Live[] = []
  const add = async (account: number, content: number) =>
    live.push({
      requestid: (await pins.add(accounts[account]!, parsePinBody({ cid: contents[content] }))).requestid,
      account,
      content,
    })
  const settle = () =>
    waitFor(
      () => live.every((l) => pins.get(accounts[l.account]!, l.requestid).status === 'pinned'),
      'every object to be pinned',
      15_000,
    )
  for (const c of cmds) {
    if (c.op === 'settle') await settle()
    else if (c.op === 'add') await add(c.account, c.content)
    else if (c.op === 'dup') {
      await add(0, c.content)
      await add(1, c.content)
    } else if (live.length) {
      const i = c.pick % live.length
      const target = live[i]!
      if (c.op === 'delete') {
        pins.remove(accounts[target.account]!, target.requestid)
        live.splice(i, 1)
      } else {
        // The hold moves on: the old object's settled content if it had settled, else what it held itself.
        const settled = pins.get(accounts[target.account]!, target.requestid).status === 'pinned'
        const record = pins.replace(
          accounts[target.account]!,
          target.requestid,
          parsePinBody({ cid: contents[c.content] }),
        )
        live[i] = {
          requestid: record.requestid,
          account: target.account,
          content: c.content,
          held: settled ? target.content : target.held,
        }
      }
    }
    // While a replacement is pending, what its lineage last had settled stays pinned in Kubo. The pinset is
    // read first: an object still pending after the read was pending during it.
    const pinset = await kuboHeld()
    for (const l of live) {
      if (l.held === undefined) continue
      if (pins.get(accounts[l.account]!, l.requestid).status === 'pinned') continue
      expect(pinset.has(contentMh[l.held]!), `content ${l.held} held for a pending replacement`).toBe(true)
    }
  }
  // Settled: every object pinned (local content, no quota), and Kubo holds exactly what live objects want.
  await settle()
  const expected = new Set(live.map((l) => contentMh[l.content]!))
  await waitFor(
    async () => {
      const held = await kuboHeld()
      return held.size === expected.size && [...expected].every((mh) => held.has(mh))
    },
    'Kubo pinset to equal the model',
    15_000,
  ).catch(async (err: Error) => {
    throw new Error(
      `${err.message}: held ${[...(await kuboHeld())].map((mh) => contentMh.indexOf(mh))}, model ${[...expected].map((mh) => contentMh.indexOf(mh))}`,
    )
  })
  // Reset for the next run: every object gone, and with it every pin.
  for (const l of live) pins.remove(accounts[l.account]!, l.requestid)
  await waitFor(async () => (await kuboHeld()).size === 0, 'Kubo pinset to be empty after the reset', 15_000)
}

describe('reference counting against a model', () => {
  it('replaced twice while fetching keeps the first settled content until the newest settles', async () => {
    const { pins } = tack.core
    const alice = accounts[0]!
    const first = await pins.add(alice, parsePinBody({ cid: contents[0] }))
    await waitFor(() => pins.get(alice, first.requestid).status === 'pinned', 'the first pin')
    // Two replacements by content nobody has: both stay fetching; the first content must stay held.
    const second = pins.replace(alice, first.requestid, parsePinBody({ cid: await unfindableCid() }))
    const third = pins.replace(alice, second.requestid, parsePinBody({ cid: await unfindableCid() }))
    await holdsFor(
      async () => pins.get(alice, third.requestid).status !== 'pinned' && (await kuboHeld()).has(contentMh[0]!),
      'the unfindable replacement unsettled and the first content held',
      1000,
    )
    // The newest replacement settles (content Kubo has): now the first content goes.
    const last = pins.replace(alice, third.requestid, parsePinBody({ cid: contents[1] }))
    await waitFor(() => pins.get(alice, last.requestid).status === 'pinned', 'the last replacement')
    await waitFor(async () => {
      const held = await kuboHeld()
      return held.size === 1 && held.has(contentMh[1]!)
    }, 'only the newest content to be held')
    pins.remove(alice, last.requestid)
    await waitFor(async () => (await kuboHeld()).size === 0, 'nothing held after the delete')
  })

  it(`random add / replace / delete / duplicate sequences (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 12 }), (cmds) => run(cmds)),
      { numRuns: RUNS, endOnFailure: true },
    )
  }, 600_000)
})
