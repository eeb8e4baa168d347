// The files list: one row per file with its CID, size, state and use, and what can be done with it.
import { useState } from 'react'
import { formatAgo, formatBytes, shortCid } from '../api/format'
import type { FileRecord } from '../api/types'
import { useFiles } from '../store/files'
import { api } from '../store/session'
import { Badge } from './Badge'
import { CopyButton } from './CopyButton'
import { ConfirmDialog } from './ConfirmDialog'
import { Dialog } from './Dialog'
import { Icon } from './Icon'
import { openExternal } from './links'
import { QrCode } from './QrCode'

export function FileTable({ files }: { files: FileRecord[] }) {
  const [qrFor, setQrFor] = useState<FileRecord>()
  const [deleting, setDeleting] = useState<FileRecord>()
  const remove = useFiles((s) => s.remove)
  return (
    <>
      <div className="table-wrap">
        <table className="table files-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">CID</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">State</th>
              <th scope="col" className="num">
                Views
              </th>
              <th scope="col">Last access</th>
              <th scope="col" className="actions-col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <FileRow key={f.cid} file={f} onQr={() => setQrFor(f)} onDelete={() => setDeleting(f)} />
            ))}
          </tbody>
        </table>
      </div>
      <Dialog open={Boolean(qrFor)} title="Share on your network" onClose={() => setQrFor(undefined)}>
        {qrFor?.lanUrl ? (
          <div className="qr-share">
            <QrCode text={api().absolute(qrFor.lanUrl)} size={200} />
            <p className="muted">Anyone on your local network can open this link, or scan the code with a phone.</p>
            <CopyButton text={api().absolute(qrFor.lanUrl)} label="Copy LAN link" what="LAN link copied" />
          </div>
        ) : null}
      </Dialog>
      <ConfirmDialog
        item={deleting}
        title="Delete this file?"
        confirm="Delete"
        trash
        onConfirm={(f) => void remove(f.cid)}
        onCancel={() => setDeleting(undefined)}
      >
        {(f) => (
          <>
            <strong>{f.name}</strong> will be removed from Tack. Copies other IPFS nodes hold stay there.
          </>
        )}
      </ConfirmDialog>
    </>
  )
}

function FileRow({ file: f, onQr, onDelete }: { file: FileRecord; onQr: () => void; onDelete: () => void }) {
  const pin = useFiles((s) => s.pin)
  const gateway = api().absolute(f.gatewayUrl)
  return (
    <tr data-cid={f.cid}>
      <td className="name-cell" title={f.path ?? f.name}>
        <span className="file-name">{f.path ?? f.name}</span>
        <span className="muted small">{f.mime}</span>
      </td>
      <td>
        <span className="cid">
          <code title={f.cid}>{shortCid(f.cid)}</code>
          <CopyButton
            text={f.cid}
            label={`Copy CID of ${f.path ?? f.name}`}
            what="CID copied"
            iconOnly
            className="btn-ghost"
          />
        </span>
      </td>
      <td className="num">{formatBytes(f.size)}</td>
      <td>
        <Badge state={f.state} />
      </td>
      <td className="num">{f.views}</td>
      <td className="muted" title={f.lastAccessed ?? undefined}>
        {formatAgo(f.lastAccessed)}
      </td>
      <td className="actions">
        <CopyButton
          text={gateway}
          icon="link"
          label="Copy gateway link"
          what="Gateway link copied"
          iconOnly
          className="btn-ghost"
        />
        {f.lanUrl ? (
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            onClick={onQr}
            title="LAN link and QR code"
            aria-label="LAN link and QR code"
          >
            <Icon name="qr" />
          </button>
        ) : null}
        <a
          className="btn btn-ghost btn-icon"
          href={gateway}
          target="_blank"
          rel="noopener noreferrer"
          title="Open"
          aria-label={`Open ${f.path ?? f.name}`}
          onClick={(e) => openExternal(e, gateway)}
        >
          <Icon name="open" />
        </a>
        {f.state === 'stored' || f.state === 'failed' ? (
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            onClick={() => void pin(f.cid)}
            title="Pin now"
            aria-label={`Pin ${f.path ?? f.name} now`}
          >
            <Icon name="pin" />
          </button>
        ) : (
          <span className="btn-placeholder" aria-hidden="true" />
        )}
        <button
          type="button"
          className="btn btn-ghost btn-icon danger"
          onClick={onDelete}
          title="Delete"
          aria-label={`Delete ${f.path ?? f.name}`}
        >
          <Icon name="trash" />
        </button>
      </td>
    </tr>
  )
}
