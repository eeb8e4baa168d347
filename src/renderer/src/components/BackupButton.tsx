// "Back up": downloads GET /api/export (admin), the archive `tack import` restores. Fetched with the
// session's credentials (a Bearer token in the desktop window, the cookie and page token in a browser) and
// saved as a file.
import { useState } from 'react'
import { api } from '../store/session'
import { useToasts } from '../store/toasts'

export function BackupButton() {
  const [busy, setBusy] = useState(false)
  const backUp = async () => {
    setBusy(true)
    try {
      const a = api()
      const res = await fetch(`${a.base}/api/export`, {
        headers: a.authHeaders,
        credentials: 'same-origin',
      })
      if (!res.ok) throw new Error(`${res.status} ${(await res.text()).slice(0, 200)}`)
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'tack-backup.tar'
      const url = URL.createObjectURL(await res.blob())
      const link = document.createElement('a')
      link.href = url
      link.download = name
      link.click()
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
      useToasts.getState().show(`Backup saved as ${name}`)
    } catch (err) {
      useToasts.getState().show(`Backup failed: ${(err as Error).message}`, 'error')
    } finally {
      setBusy(false)
    }
  }
  return (
    <button type="button" className="btn" onClick={() => void backUp()} disabled={busy}>
      {busy ? 'Backing up…' : 'Back up'}
    </button>
  )
}
