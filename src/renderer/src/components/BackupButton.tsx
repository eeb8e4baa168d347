// "Back up": first says what the archive holds, then saves it without ever holding it in this page's memory.
// In the desktop app main shows its save dialog and streams the core's export into the chosen file (0600);
// in a browser the page asks for a one-time download link (POST /api/export/link, with the session's
// credentials) and lets the browser's own download fetch it. "Restore from a backup…" picks an archive and
// merges it into the running Tack (RestoreDialog, the `--merge` rules, safe while serve runs); restoring a whole
// install as it was is `tack import` into an empty data dir with Tack stopped, which the dialog explains.
import { useRef, useState } from 'react'
import { toApiError } from '../api/errors'
import { api } from '../store/session'
import { useToasts } from '../store/toasts'
import { Dialog } from './Dialog'
import { RestoreDialog } from './RestoreDialog'

export function BackupButton() {
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const [restoring, setRestoring] = useState<File>()
  const picker = useRef<HTMLInputElement>(null)
  const desktop = Boolean(window.tack)
  const toast = useToasts.getState().show

  const save = async () => {
    setBusy(true)
    try {
      if (window.tack) {
        const result = await window.tack.saveBackup()
        if (!result.ok) {
          if (result.error.code !== 'CANCELLED') toast(`Backup failed: ${result.error.message}`, 'error')
          return
        }
        toast(`Backup saved to ${result.value.path} (readable by you only)`)
      } else {
        const link = await api().request<{ url: string }>('POST', '/api/export/link')
        const a = document.createElement('a')
        a.href = api().absolute(link.url)
        // Empty: the browser takes the server's file name (tack-backup-<time>.tar).
        a.download = ''
        a.rel = 'noopener'
        document.body.append(a)
        a.click()
        a.remove()
        toast('Backup download started: see your browser’s downloads')
      }
      setOpen(false)
    } catch (err) {
      const e = toApiError(err)
      toast(`Backup failed: ${e.details || e.reason}`, 'error')
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        Back up
      </button>
      <Dialog open={open} title="Back up Tack" onClose={() => setOpen(false)}>
        <div className="backup-dialog">
          <p className="warning" role="note">
            <strong>Keep this file as private as your data folder.</strong> The archive holds every file, private ones
            included, API key hashes, the secrets of signed links and the credentials of forwarding targets. Anyone with
            it can read your private files and forge working links.
          </p>
          <p className="muted">
            {desktop
              ? 'You choose where it goes; the file is readable by your user only.'
              : 'Your browser saves it to its downloads folder. Move it somewhere only you can read.'}
          </p>
          <div className="restore-pick">
            <p className="muted">
              Restore merges a backup into this Tack while it runs: it adds what is not here and changes nothing that
              is.
            </p>
            <input
              ref={picker}
              type="file"
              accept=".tar,application/x-tar"
              hidden
              data-testid="restore-input"
              aria-label="Backup archive to restore"
              onChange={(e) => {
                const file = e.target.files?.[0]
                e.target.value = ''
                if (!file) return
                setOpen(false)
                setRestoring(file)
              }}
            />
            <button type="button" className="btn" onClick={() => picker.current?.click()}>
              Restore from a backup…
            </button>
          </div>
          <details className="restore-help">
            <summary>How to restore</summary>
            <p>
              The button above merges. To bring back a whole install as it was, run from a terminal while Tack is
              stopped (quit the app, or stop <code>tack serve</code>):
            </p>
            <ul>
              <li>
                <code>tack import BACKUP.tar</code> into an empty data folder restores everything as it was, API keys
                included.
              </li>
              <li>
                <code>tack import BACKUP.tar --merge</code> adds the archive to the files already here and changes
                nothing that is here. It adds no API key unless you say <code>--keys same-scopes</code> (keys only into
                accounts the merge creates, never an admin key) or <code>--keys all</code> (every key as it is: only for
                an archive you made yourself).
              </li>
            </ul>
          </details>
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={busy} autoFocus>
              {busy ? 'Backing up…' : desktop ? 'Save backup…' : 'Download backup'}
            </button>
          </div>
        </div>
      </Dialog>
      <RestoreDialog file={restoring} onClose={() => setRestoring(undefined)} />
    </>
  )
}
