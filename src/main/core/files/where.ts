// Where a file is, in words a person understands (issue 26): the API's `where` beside its machine `state`,
// and what the UI shows. "On this computer only" is the honest word for an upload that waits for its first
// gateway read: until then no other IPFS node can fetch it.
import type { FileRow } from './repo.js'

export const WHERE = {
  private: 'private',
  onIpfs: 'on IPFS',
  going: 'going on IPFS',
  local: 'on this computer only',
  failed: 'on this computer only (putting it on IPFS failed)',
} as const

export type Where = (typeof WHERE)[keyof typeof WHERE]

export function whereOf(row: Pick<FileRow, 'private' | 'state'>): Where {
  if (row.private) return WHERE.private
  switch (row.state) {
    case 'pinned':
      return WHERE.onIpfs
    case 'pinning':
      return WHERE.going
    case 'failed':
      return WHERE.failed
    default:
      return WHERE.local
  }
}
