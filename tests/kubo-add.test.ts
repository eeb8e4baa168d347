// Streaming `add` into a real Kubo: a source that fails midway (the object store went away) must reject,
// never hang, and leave Kubo answering; a source that ends normally gives Kubo's own CID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKuboClient } from '../src/main/core/kubo/client.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'

describe('kubo add with a streamed body', () => {
  let kubo: KuboTestNode
  beforeAll(async () => {
    kubo = await startKuboNode()
  })
  afterAll(() => kubo.stop())
  const client = () => createKuboClient(() => kubo.apiUrl)

  it('gives the CID Kubo computes for the same bytes', async () => {
    async function* content() {
      yield new TextEncoder().encode('hello ')
      yield new TextEncoder().encode('world')
    }
    const added = await client().add(
      (async function* () {
        yield { path: 'hello.txt', content: content() }
      })(),
    )
    expect(added.at(-1)?.Hash).toBe('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e')
  })

  it('rejects when the source fails midway, and Kubo keeps working', async () => {
    async function* failing() {
      yield new Uint8Array(1024 * 1024)
      throw new Error('object store went away')
    }
    const entries = (async function* () {
      yield { path: 'broken.bin', content: failing() }
    })()
    await expect(client().add(entries)).rejects.toThrow()
    expect((await client().id()).ID).toBe(kubo.peerId)
  })
})
