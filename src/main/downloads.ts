// Downloads the window starts (a gateway link with `download`). The renderer learns of each by an id and
// can ask to reveal it; it never handles a path, so "reveal" cannot be pointed at arbitrary files.
import type { DownloadEvent } from '../shared/ipc.js'

export interface DownloadItemLike {
  getFilename(): string
  getSavePath(): string
  on(event: 'updated', listener: (event: unknown, state: 'progressing' | 'interrupted') => void): unknown
  once(event: 'done', listener: (event: unknown, state: 'completed' | 'cancelled' | 'interrupted') => void): unknown
}

export interface DownloadSource {
  on(event: 'will-download', listener: (event: unknown, item: DownloadItemLike) => void): unknown
}

/** The most downloads remembered for "reveal"; older ones are forgotten. */
const KEEP = 200

export function trackDownloads(
  session: DownloadSource,
  emit: (event: DownloadEvent) => void,
): { savePathOf(id: string): string | undefined } {
  const paths = new Map<string, string>()
  let next = 1
  session.on('will-download', (_event, item) => {
    const id = `d${next++}`
    const name = item.getFilename()
    paths.set(id, '')
    if (paths.size > KEEP) paths.delete(paths.keys().next().value!)
    emit({ id, name, state: 'progressing' })
    item.on('updated', (_e, state) => emit({ id, name, state }))
    item.once('done', (_e, state) => {
      // The save path is known once the user has chosen it; record it for completed downloads only.
      if (state === 'completed' && paths.has(id)) paths.set(id, item.getSavePath())
      emit({ id, name, state })
    })
  })
  return { savePathOf: (id) => paths.get(id) || undefined }
}
