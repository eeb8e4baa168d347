// "Restore" from a backup into the Tack that runs now: a merge (POST /api/import, the `tack import --merge`
// rules), never a replacement. The dialog first says what a merge takes and what it leaves as it is, and asks
// which of the archive's API keys to add (none by default: an archive is no signature). The file is sent
// from disk as the request body (never read into this page); then what was added and what was held back.
import { useEffect, useRef, useState } from 'react'
import { ApiError, toApiError } from '../api/errors'
import { formatBytes } from '../api/format'
import { postArchive, type RestoreKeys, type RestoreResult, type UploadHandle } from '../api/upload'
import { useFiles } from '../store/files'
import { api } from '../store/session'
import { Dialog } from './Dialog'

type Stage =
  | { kind: 'confirm' }
  | { kind: 'sending'; sent: number; total: number }
  | { kind: 'done'; result: RestoreResult }
  | { kind: 'failed'; error: ApiError }

const KEY_CHOICES: Array<[RestoreKeys, string]> = [
  ['none', 'None (safest: the archive’s keys stay out)'],
  ['same-scopes', 'Only into accounts the restore creates, never an admin key'],
  ['all', 'Every key as it is (only for an archive you made yourself)'],
]

export function RestoreDialog({ file, onClose }: { file: File | undefined; onClose: () => void }) {
  const [stage, setStage] = useState<Stage>({ kind: 'confirm' })
  const [keys, setKeys] = useState<RestoreKeys>('none')
  const handle = useRef<UploadHandle<RestoreResult> | undefined>(undefined)
  // A new file starts over.
  useEffect(() => setStage({ kind: 'confirm' }), [file])

  const close = () => {
    handle.current?.cancel()
    handle.current = undefined
    onClose()
  }
  const start = async () => {
    if (!file) return
    setStage({ kind: 'sending', sent: 0, total: file.size })
    const a = api()
    handle.current = postArchive({ base: a.base, authHeaders: a.authHeaders }, file, keys, (p) =>
      setStage({ kind: 'sending', sent: p.loaded, total: p.total || file.size }),
    )
    try {
      const result = await handle.current.done
      setStage({ kind: 'done', result })
      void useFiles.getState().load()
    } catch (err) {
      const error = toApiError(err)
      if (error.reason !== 'CANCELLED') setStage({ kind: 'failed', error })
    } finally {
      handle.current = undefined
    }
  }

  return (
    <Dialog open={file !== undefined} title="Restore from a backup" onClose={close}>
      {file ? (
        <div className="restore-dialog">
          <p>
            <strong>{file.name}</strong> <span className="muted">({formatBytes(file.size)})</span>
          </p>
          {stage.kind === 'confirm' ? (
            <Confirm keys={keys} setKeys={setKeys} onCancel={close} onStart={() => void start()} />
          ) : stage.kind === 'sending' ? (
            <Sending sent={stage.sent} total={stage.total} onCancel={close} />
          ) : stage.kind === 'done' ? (
            <Summary result={stage.result} onClose={close} />
          ) : (
            <>
              <div className="error-box" role="alert">
                <strong>Nothing was restored. {stage.error.summary}.</strong>
                {stage.error.details ? <p>{stage.error.details}</p> : null}
              </div>
              <div className="form-actions">
                <button type="button" className="btn" onClick={close} autoFocus>
                  Close
                </button>
              </div>
            </>
          )}
        </div>
      ) : null}
    </Dialog>
  )
}

function Confirm({
  keys,
  setKeys,
  onCancel,
  onStart,
}: {
  keys: RestoreKeys
  setKeys: (k: RestoreKeys) => void
  onCancel: () => void
  onStart: () => void
}) {
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault()
        onStart()
      }}
    >
      <p>The archive is merged into this Tack while it runs. Nothing here is changed or removed.</p>
      <ul className="restore-rules">
        <li>
          <strong>Added:</strong> its files, folders and pins that are not here yet, and accounts this Tack does not
          have. Every file is checked against its CID first; an archive that does not match is refused whole.
        </li>
        <li>
          <strong>Not taken:</strong> its settings (LAN sharing, the gateway link) stay as they are here. Content that
          is private here stays private, even if the archive lists it as public. Forwarding targets come only with every
          key.
        </li>
      </ul>
      <label>
        API keys from the archive
        <select name="keys" value={keys} onChange={(e) => setKeys(e.target.value as RestoreKeys)}>
          {KEY_CHOICES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" autoFocus>
          Restore
        </button>
      </div>
    </form>
  )
}

function Sending({ sent, total, onCancel }: { sent: number; total: number; onCancel: () => void }) {
  const pct = total ? Math.min(100, Math.round((sent / total) * 100)) : 0
  const checking = total > 0 && sent >= total
  return (
    <>
      <p role="status">
        {checking
          ? 'Checking the archive and adding its content…'
          : `Sending the archive: ${formatBytes(sent)} of ${formatBytes(total)}`}
      </p>
      <div
        className="progress"
        role="progressbar"
        aria-label="Restore progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel restore
        </button>
      </div>
    </>
  )
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

function Summary({ result, onClose }: { result: RestoreResult; onClose: () => void }) {
  const added = [
    count(result.files, 'file record'),
    count(result.pins, 'pin'),
    count(result.accounts, 'account'),
    count(result.keys, 'API key'),
  ]
  return (
    <>
      <div role="status" data-testid="restore-result">
        <p>
          <strong>Restored.</strong> Added {added.join(', ')}.
        </p>
        <ul className="restore-rules">
          {result.skipped ? <li>{count(result.skipped, 'item')} already here, left as they were.</li> : null}
          {result.keysLeftOut ? <li>{count(result.keysLeftOut, 'API key')} of the archive left out.</li> : null}
          {result.targetsLeftOut.length ? (
            <li>Forwarding targets left out: {result.targetsLeftOut.join(', ')}.</li>
          ) : null}
          {result.keptPrivate.length ? (
            <li>{count(result.keptPrivate.length, 'file')} kept private (private here, public in the archive).</li>
          ) : null}
          {result.addedKeys.map((k) => (
            <li key={k.id}>
              Added key “{k.name}” to account “{k.account}” ({k.scopes}).
            </li>
          ))}
        </ul>
      </div>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" onClick={onClose} autoFocus>
          Done
        </button>
      </div>
    </>
  )
}
