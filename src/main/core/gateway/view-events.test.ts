import { describe, expect, it } from 'vitest'
import type { FileEvent } from '../events.js'
import { createViewEvents } from './view-events.js'

describe('view events', () => {
  it('gathers a burst of views into one event per account and CID, with the count at publish time', async () => {
    const views = new Map([['bafyA', 0]])
    const published: FileEvent[] = []
    const events = createViewEvents({
      rowsOf: (cid) => [
        { account_id: 1, views: views.get(cid) ?? 0, state: 'pinned' },
        { account_id: 2, views: views.get(cid) ?? 0, state: 'pinned' },
      ],
      publish: (e) => published.push(e),
      intervalMs: 50,
    })
    for (let i = 0; i < 500; i++) {
      views.set('bafyA', i + 1)
      events.viewed('bafyA')
    }
    expect(published).toEqual([])
    await new Promise((r) => setTimeout(r, 120))
    expect(published).toEqual([
      { type: 'file', accountId: 1, cid: 'bafyA', views: 500, state: 'pinned' },
      { type: 'file', accountId: 2, cid: 'bafyA', views: 500, state: 'pinned' },
    ])
    events.viewed('bafyA')
    events.flush()
    expect(published).toHaveLength(4)
  })

  it('publishes nothing once the database is gone', () => {
    const published: FileEvent[] = []
    const events = createViewEvents({
      rowsOf: () => {
        throw new Error('The database connection is not open')
      },
      publish: (e) => published.push(e),
    })
    events.viewed('bafyA')
    expect(() => events.flush()).not.toThrow()
    expect(published).toEqual([])
  })
})
