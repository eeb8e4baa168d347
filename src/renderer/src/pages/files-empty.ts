// What the Files list says when it has no rows: about the filter and search that are on, never "No files
// yet" to someone whose files are only hidden by the filter.
import type { IconName } from '../components/Icon'
import type { FilesState } from '../store/files'

export interface EmptyWords {
  icon: IconName
  title: string
  body: string
}

const KIND = { true: 'private', false: 'public' } as const

export function emptyFiles(query: Pick<FilesState['query'], 'q' | 'private'>): EmptyWords {
  const kind = query.private ? KIND[query.private] : undefined
  if (query.q)
    return {
      icon: 'search',
      title: kind ? `No ${kind} files match that search` : 'Nothing matches that search',
      body: `Search matches names and any part of a path, also the files inside folders${kind ? `; “Show” limits it to ${kind} files` : ''}.`,
    }
  if (kind === 'private')
    return {
      icon: 'files',
      title: 'No private files',
      body: 'Turn on “Private” before adding files to keep them off IPFS; share them with signed links. “Show: All” lists every file.',
    }
  if (kind === 'public')
    return {
      icon: 'files',
      title: 'No public files',
      body: 'Every file here is private. “Show: All” lists them.',
    }
  return {
    icon: 'upload',
    title: 'No files yet',
    body: 'Drag files or a folder here, or use “Add files”. You get a CID and a link to share.',
  }
}
