// Uploads in progress and just finished: a bar per upload with speed and time left, cancel, and the
// server's reason when it refused (over quota, too large, ...).
import { formatBytes, formatDuration, shortCid } from '../api/format'
import { useUploads, type Upload } from '../store/uploads'
import { CopyButton } from './CopyButton'
import { Icon } from './Icon'

export function UploadList() {
  const items = useUploads((s) => s.items)
  const clearFinished = useUploads((s) => s.clearFinished)
  if (items.length === 0) return null
  const finished = items.some((u) => u.state !== 'uploading' && u.state !== 'queued')
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
      {u.state === 'failed' && u.error ? (
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
