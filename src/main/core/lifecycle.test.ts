import { describe, expect, it, vi } from 'vitest'
import { createLifecycle, startingBehind, type Component } from './lifecycle.js'
import { silentLogger } from './log.js'

/** Components that note each start and stop in `events`; `fail` names the one whose start throws. */
function parts(names: string[], events: string[], fail?: string): Component[] {
  return names.map((name) => ({
    name,
    async start() {
      events.push(`start ${name}`)
      await new Promise((r) => setImmediate(r))
      if (name === fail) throw new Error(`${name} failed`)
      events.push(`started ${name}`)
    },
    async stop() {
      events.push(`stop ${name}`)
    },
  }))
}

const log = silentLogger
const init = (components: Component[]) => ({
  components,
  children: new Set(['kubo', 'minio']),
  last: new Set(['db']),
  log,
})

describe('lifecycle', () => {
  it('starts in order with adjacent children side by side, and stops the children after the rest, the db last', async () => {
    const events: string[] = []
    const life = createLifecycle(init(parts(['db', 'kubo', 'minio', 'pins', 'http'], events)))
    await life.start()
    expect(events).toEqual([
      'start db',
      'started db',
      'start kubo',
      'start minio',
      'started kubo',
      'started minio',
      'start pins',
      'started pins',
      'start http',
      'started http',
    ])
    events.length = 0
    await life.stop()
    expect(events).toEqual(['stop http', 'stop pins', 'stop minio', 'stop kubo', 'stop db'])
  })

  it("rolls back what started when a start fails, a failed child's partner included", async () => {
    const events: string[] = []
    const life = createLifecycle(init(parts(['db', 'kubo', 'minio', 'pins'], events, 'kubo')))
    await expect(life.start()).rejects.toThrow('kubo failed')
    expect(events).not.toContain('start pins')
    expect(events.filter((e) => e.startsWith('stop'))).toEqual(['stop minio', 'stop db'])
  })

  it('completes the start only once every ready() settled, and rolls back when one fails', async () => {
    const events: string[] = []
    const [db, files] = parts(['db', 'files'], events)
    files!.ready = () => Promise.reject(new Error('the sweep failed'))
    const life = createLifecycle(init([db!, files!]))
    await expect(life.start()).rejects.toThrow('the sweep failed')
    expect(events.filter((e) => e.startsWith('stop'))).toEqual(['stop files', 'stop db'])
  })

  it('lets a start go on behind the later components, and a stop wait for it', async () => {
    const events: string[] = []
    let finish!: () => void
    const slow = startingBehind(
      'minio',
      () => new Promise<void>((r) => (finish = r)).then(() => void events.push('minio ready')),
      async (started) => {
        events.push('stop minio')
        await started()
        events.push('minio stopped')
      },
    )
    const life = createLifecycle(init([slow, ...parts(['http'], events)]))
    const starting = life.start()
    // The API comes up while MinIO still starts (it cannot be ready: finish() has not been called).
    await vi.waitFor(() => expect(events).toEqual(['start http', 'started http']))
    finish()
    await starting
    await life.stop()
    expect(events.slice(2)).toEqual(['minio ready', 'stop http', 'stop minio', 'minio stopped'])
  })
})
