// "Share link": an expiring signed link to one file (POST /api/files/{cid}/links), copied or scanned as a QR
// code (the LAN address when sharing is on, so a phone on the network can open it), revoking every link of the
// file at once, and, for a private file, making it public: an explicit step that asks before it happens.
import { useState } from 'react'
import { toApiError } from '../api/errors'
import type { FileRecord } from '../api/types'
import { api } from '../store/session'
import { useToasts } from '../store/toasts'
import { CopyButton } from './CopyButton'
import { Dialog } from './Dialog'
import { QrCode } from './QrCode'

const EXPIRY_CHOICES = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '1 week', seconds: 7 * 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
  { label: '1 year', seconds: 365 * 86_400 },
] as const

interface SignedLink {
  url: string
  lanUrl?: string
  expires: string
}

export function ShareDialog({
  file,
  onClose,
  onChanged,
}: {
  file?: FileRecord
  onClose: () => void
  onChanged: () => void
}) {
  const [expiresIn, setExpiresIn] = useState<number>(86_400)
  const [link, setLink] = useState<SignedLink>()
  const [confirmPublic, setConfirmPublic] = useState(false)
  const path = file ? `/api/files/${encodeURIComponent(file.cid)}` : ''
  const fail = (what: string) => (err: unknown) => {
    const e = toApiError(err)
    useToasts.getState().show(`${what}: ${e.details || e.reason}`, 'error')
  }
  const close = () => {
    setLink(undefined)
    setConfirmPublic(false)
    onClose()
  }
  const create = () =>
    api().request<SignedLink>('POST', `${path}/links`, { expiresIn }).then(setLink, fail('Could not make a link'))
  const revoke = () =>
    api()
      .request<void>('DELETE', `${path}/links`)
      .then(() => {
        setLink(undefined)
        useToasts.getState().show('Every link to this file was revoked')
      }, fail('Could not revoke the links'))
  const makePublic = () =>
    api()
      .request<FileRecord>('PATCH', path, { private: false })
      .then(() => {
        setConfirmPublic(false)
        useToasts.getState().show('The file is public now')
        onChanged()
      }, fail('Could not make it public'))
  const shown = link ? api().absolute(link.lanUrl ?? link.url) : undefined

  return (
    <Dialog open={Boolean(file)} title={file ? `Share ${file.path ?? file.name}` : ''} onClose={close}>
      {file ? (
        <div className="share-link">
          <p className="muted">
            {file.private
              ? 'This file is private: only a signed link opens it, until the link expires or is revoked.'
              : 'A signed link opens this file without a key until it expires or is revoked.'}
          </p>
          <label>
            Expires after{' '}
            <select value={expiresIn} onChange={(e) => setExpiresIn(Number(e.target.value))} aria-label="Link expiry">
              {EXPIRY_CHOICES.map((c) => (
                <option key={c.seconds} value={c.seconds}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="button" className="btn btn-primary" onClick={() => void create()}>
            Create link
          </button>
          {link && shown ? (
            <div className="qr-share" data-testid="signed-link">
              <QrCode text={shown} size={200} />
              <p className="muted small">Expires {new Date(link.expires).toLocaleString()}</p>
              <CopyButton text={shown} label="Copy link" what="Link copied" />
            </div>
          ) : null}
          <p>
            <button type="button" className="btn danger" onClick={() => void revoke()}>
              Revoke all links
            </button>
          </p>
          {file.private ? (
            confirmPublic ? (
              <p role="alert">
                Anyone who knows its CID will be able to fetch it, and it may spread on IPFS.{' '}
                <button type="button" className="btn danger" onClick={() => void makePublic()}>
                  Make public
                </button>{' '}
                <button type="button" className="btn" onClick={() => setConfirmPublic(false)}>
                  Keep private
                </button>
              </p>
            ) : (
              <p>
                <button type="button" className="btn" onClick={() => setConfirmPublic(true)}>
                  Make public…
                </button>
              </p>
            )
          ) : null}
        </div>
      ) : null}
    </Dialog>
  )
}
