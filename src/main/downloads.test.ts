import { describe, expect, it } from 'vitest'
import type { DownloadEvent } from '../shared/ipc.js'
import { trackDownloads, type DownloadItemLike } from './downloads.js'

describe('downloads', () => {
  it('reports progress and remembers where completed downloads went', () => {
    let willDownload: ((e: unknown, item: DownloadItemLike) => void) | undefined
    const events: DownloadEvent[] = []
    const tracker = trackDownloads({ on: (_: 'will-download', l: typeof willDownload) => (willDownload = l) }, (e) =>
      events.push(e),
    )
    let done: ((e: unknown, s: 'completed' | 'cancelled' | 'interrupted') => void) | undefined
    const item = {
      getFilename: () => 'cat.gif',
      getSavePath: () => '/home/me/Downloads/cat.gif',
      on: () => {},
      once: (_: 'done', l: typeof done) => (done = l),
    }
    willDownload!({}, item)
    expect(tracker.savePathOf('d1')).toBeUndefined()
    done!({}, 'completed')
    expect(tracker.savePathOf('d1')).toBe('/home/me/Downloads/cat.gif')
    expect(tracker.savePathOf('d2')).toBeUndefined()
    expect(events).toEqual([
      { id: 'd1', name: 'cat.gif', state: 'progressing' },
      { id: 'd1', name: 'cat.gif', state: 'completed' },
    ])
  })
})
