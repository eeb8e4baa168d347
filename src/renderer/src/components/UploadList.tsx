// Uploads in progress and just finished: a bar per upload with speed and time left, cancel, and the
// server's reason when it refused (over quota, too large, ...). An upload a reload cut off says so, and one
// action picks its file again and sends it from the start.
import { useRef } from 'react'
import { filesFromInput } from '../api/dropped'
import { formatBytes, formatDuration, shortCid } from '../api/format'
import { useUploads, type Upload } from '../store/uploads'
import { CopyButton } from './CopyButton'
import { Icon } from './Icon'

export function UploadList() {
  const items = useUploads((s) => s.items)
  const clearFinished = useUploads((s) => s.clearFinished)
  if (items.length === 0) return null
  const finished = items.some((u) => u.state !== 'uploading' && u.state !== 'queued' && u.state !== 'interrupted')
  return (
    <section className="card uploads" aria-label="Uploads">
      <header className="card-head">
        <h2>Uploads</h2>
        {finished ? (
          <button type="button" className="btn btn-ghost" onClick={clearFinished}>
            Clear finished
          </button>
        ) : null}
      </header>
      <ul className="upload-list">
        {items.map((u) => (
          <UploadRow key={u.id} upload={u} />
        ))}
      </ul>
    </section>
  )
}

function UploadRow({ upload: u }: { upload: Upload }) {
  const cancel = useUploads((s) => s.cancel)
  const dismiss = useUploads((s) => s.dismiss)
  const pct = u.total ? Math.min(100, Math.round((u.loaded / u.total) * 100)) : u.state === 'done' ? 100 : 0
  const left = u.speed > 0 ? (u.total - u.loaded) / u.speed : NaN
  const active = u.state === 'uploading' || u.state === 'queued'
  return (
    <li className={`upload upload-${u.state}`} data-upload-state={u.state}>
      <div className="upload-top">
        <span className="upload-name" title={u.label}>
          <Icon name={u.fileCount > 1 || u.label.endsWith('/') ? 'folder' : 'files'} />
          {u.label}
          {u.fileCount > 1 ? <span className="muted"> · {u.fileCount} files</span> : null}
        </span>
        <span className="upload-meta">
          {u.state === 'queued' ? 'waiting…' : null}
          {u.state === 'uploading' ? (
            <>
              {u.restarted ? 'started over · ' : null}
              {formatBytes(u.loaded)} of {formatBytes(u.total)} ·{' '}
              <span className="upload-speed">{u.speed > 0 ? `${formatBytes(u.speed)}/s` : 'measuring speed'}</span>
              {' · '}
              <span className="upload-eta">{eta(u, left)}</span>
            </>
          ) : null}
          {u.state === 'done' && u.cid ? (
            <span className="upload-cid">
              ✓ {formatBytes(u.size)} · <code title={u.cid}>{shortCid(u.cid)}</code>
              <CopyButton
                text={u.cid}
                label={`Copy CID of ${u.label}`}
                what="CID copied"
                iconOnly
                className="btn-ghost"
              />
            </span>
          ) : null}
          {u.state === 'done' && !u.cid ? 'done' : null}
          {u.state === 'cancelled' ? 'cancelled' : null}
          {u.state === 'interrupted' ? <Interrupted upload={u} /> : null}
        </span>
        {/* One button: it cancels an upload in flight and dismisses a finished one. */}
        <button
          type="button"
          className="btn btn-ghost btn-icon"
          onClick={() => (active ? cancel(u.id) : dismiss(u.id))}
          aria-label={`${active ? 'Cancel' : 'Dismiss'} ${u.label}`}
          title={active ? 'Cancel' : 'Dismiss'}
        >
          <Icon name="x" />
        </button>
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label={`Upload of ${u.label}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      {u.state === 'interrupted' ? (
        <p className="muted upload-note">
          Interrupted by a reload or a closed window. Pick the {folder(u) ? 'folder' : 'file'} again to resume: it is
          sent again from the start (Tack cannot continue a partial upload).
        </p>
      ) : null}
      {(u.state === 'failed' || u.state === 'interrupted') && u.error ? (
        <p className="upload-error" role="alert">
          <strong>{u.error.summary}.</strong> {u.error.details}
        </p>
      ) : null}
    </li>
  )
}

function eta(u: Upload, left: number): string {
  // Sent everything: the server is still hashing and storing the last bytes.
  if (u.total > 0 && u.loaded >= u.total) return 'processing…'
  return Number.isFinite(left) ? `${formatDuration(left)} left` : 'estimating time left'
}

const folder = (u: Upload) => u.label.endsWith('/')

/** "interrupted at 40%" and the one action: pick the same file (or folder) again. */
function Interrupted({ upload: u }: { upload: Upload }) {
  const resume = useUploads((s) => s.resume)
  const input = useRef<HTMLInputElement>(null)
  const pct = u.total ? Math.min(100, Math.round((u.loaded / u.total) * 100)) : 0
  return (
    <>
      interrupted at {pct}% ·{' '}
      <button type="button" className="btn btn-small" onClick={() => input.current?.click()}>
        Pick {u.label} again
      </button>
      <input
        ref={input}
        type="file"
        hidden
        data-testid="resume-input"
        aria-label={`Pick ${u.label} again`}
        onChange={(e) => {
          const files = filesFromInput(e.currentTarget.files)
          e.currentTarget.value = ''
          if (files.length) resume(u.id, files)
        }}
        {...(folder(u) ? { webkitdirectory: '', directory: '' } : {})}
      />
    </>
  )
}
