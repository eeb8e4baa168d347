// Files: drop or pick files and folders, watch them upload, then share, pin or delete them.
import { useEffect, useRef, useState } from 'react'
import { filesFromInput } from '../api/dropped'
import type { FileSort } from '../api/types'
import { FileTable } from '../components/FileTable'
import { Icon } from '../components/Icon'
import { SearchField } from '../components/SearchField'
import { Empty, ErrorBox, Spinner } from '../components/States'
import { emptyFiles } from './files-empty'
import { isShortcutKey } from '../components/shortcuts'
import { UploadList } from '../components/UploadList'
import { FILES_PAGE, useFiles } from '../store/files'
import { useUploads } from '../store/uploads'

const SORTS: Array<[FileSort, string]> = [
  ['created', 'Newest'],
  ['name', 'Name'],
  ['size', 'Size'],
  ['views', 'Views'],
  ['lastAccessed', 'Last access'],
]

export function FilesPage() {
  const { results, count, loading, loaded, error, query, load, setQuery } = useFiles()
  const add = useUploads((s) => s.add)
  const uploadPrivate = useUploads((s) => s.private)
  const setUploadPrivate = useUploads((s) => s.setPrivate)
  const addToIpfs = useUploads((s) => s.addToIpfs)
  const setAddToIpfs = useUploads((s) => s.setAddToIpfs)
  const loadAddToIpfs = useUploads((s) => s.loadAddToIpfs)
  const importCar = useUploads((s) => s.importCar)
  const setImportCar = useUploads((s) => s.setImportCar)
  const fileInput = useRef<HTMLInputElement>(null)
  const folderInput = useRef<HTMLInputElement>(null)
  const [search, setSearch] = useState(query.q)

  useEffect(() => {
    void load()
  }, [load])
  useEffect(() => {
    void loadAddToIpfs()
  }, [loadAddToIpfs])
  useEffect(() => {
    if (search === query.q) return
    const t = setTimeout(() => setQuery({ q: search }), 250)
    return () => clearTimeout(t)
  }, [search, query.q, setQuery])
  // Leaving the page within the pause still applies the last edit: else the list comes back filtered by a
  // search the box no longer shows.
  const latestSearch = useRef(search)
  latestSearch.current = search
  useEffect(
    () => () => {
      const files = useFiles.getState()
      if (latestSearch.current !== files.query.q) files.setQuery({ q: latestSearch.current })
    },
    [],
  )
  useEffect(() => {
    // `u` opens the file picker, as the hint on the button says.
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'u' && isShortcutKey(e) && !document.querySelector('dialog[open]')) {
        e.preventDefault()
        fileInput.current?.click()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const onPicked = (input: HTMLInputElement) => {
    const files = filesFromInput(input.files)
    if (files.length) add(files)
    input.value = ''
  }

  const empty = emptyFiles(query)
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Files</h1>
          <p className="muted">
            Drop files or folders anywhere on this window.{' '}
            {uploadPrivate
              ? 'Private files stay on this computer.'
              : addToIpfs
                ? 'They go on IPFS as soon as they are stored.'
                : 'They stay on this computer until someone opens them through the gateway, or you pin them.'}
          </p>
        </div>
        <div className="page-actions">
          <label
            className="inline"
            title="Pinned in this computer's IPFS node and announced, so other IPFS nodes can fetch them"
          >
            <input
              type="checkbox"
              checked={addToIpfs && !uploadPrivate}
              disabled={uploadPrivate}
              onChange={(e) => void setAddToIpfs(e.currentTarget.checked)}
            />{' '}
            Put on IPFS at once
          </label>
          <label className="inline" title="Private uploads stay in Tack, off IPFS; share them with signed links">
            <input
              type="checkbox"
              checked={uploadPrivate}
              onChange={(e) => setUploadPrivate(e.currentTarget.checked)}
            />{' '}
            Private
          </label>
          <label className="inline" title="A .car file is imported as the DAG it holds (its root becomes the entry)">
            <input type="checkbox" checked={importCar} onChange={(e) => setImportCar(e.currentTarget.checked)} /> Import
            .car as CAR
          </label>
          <button type="button" className="btn btn-primary" onClick={() => fileInput.current?.click()}>
            <Icon name="upload" /> Add files <kbd>U</kbd>
          </button>
          <button type="button" className="btn" onClick={() => folderInput.current?.click()}>
            <Icon name="folder" /> Add folder
          </button>
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            data-testid="file-input"
            onChange={(e) => onPicked(e.currentTarget)}
          />
          <input
            ref={folderInput}
            type="file"
            hidden
            data-testid="folder-input"
            onChange={(e) => onPicked(e.currentTarget)}
            {...{ webkitdirectory: '', directory: '' }}
          />
        </div>
      </header>

      <UploadList />

      <section className="card">
        <div className="toolbar">
          <SearchField
            label="Search files by name or path"
            placeholder="Name or path"
            value={search}
            onChange={setSearch}
            main
          />
          <label className="inline">
            Show
            <select
              value={query.private ?? ''}
              onChange={(e) => setQuery({ private: (e.target.value || undefined) as 'true' | 'false' | undefined })}
              aria-label="Show private or public files"
            >
              <option value="">All</option>
              <option value="true">Private</option>
              <option value="false">Public</option>
            </select>
          </label>
          <label className="inline">
            Sort
            <select value={query.sort} onChange={(e) => setQuery({ sort: e.target.value as FileSort })}>
              {SORTS.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => setQuery({ order: query.order === 'asc' ? 'desc' : 'asc' })}
            aria-label={query.order === 'asc' ? 'Ascending: switch to descending' : 'Descending: switch to ascending'}
          >
            {query.order === 'asc' ? '↑ Asc' : '↓ Desc'}
          </button>
          <span className="spacer" />
          {loading && loaded ? <span className="spinner small" role="status" aria-label="Refreshing" /> : null}
          <span className="muted">{count ? `${count} file${count === 1 ? '' : 's'}` : ''}</span>
        </div>

        {error ? <ErrorBox error={error} onRetry={() => void load()} /> : null}
        {!loaded && loading ? <Spinner label="Loading files…" /> : null}
        {loaded && !error && results.length === 0 ? (
          <Empty icon={empty.icon} title={empty.title}>
            {empty.body}
          </Empty>
        ) : null}
        {results.length > 0 ? <FileTable files={results} /> : null}
        {count > FILES_PAGE ? (
          <div className="pager">
            <button
              type="button"
              className="btn"
              disabled={query.offset === 0}
              onClick={() => setQuery({ offset: Math.max(0, query.offset - FILES_PAGE) })}
            >
              ← Newer
            </button>
            <span className="muted">
              {query.offset + 1}–{Math.min(count, query.offset + FILES_PAGE)} of {count}
            </span>
            <button
              type="button"
              className="btn"
              disabled={query.offset + FILES_PAGE >= count}
              onClick={() => setQuery({ offset: query.offset + FILES_PAGE })}
            >
              Older →
            </button>
          </div>
        ) : null}
      </section>
    </div>
  )
}
