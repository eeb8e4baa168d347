// The library: one row per entry (a file, or a folder that opens to its files) with its CID, size, state and
// use, and what can be done with it. Long names are cut with an ellipsis; the full name shows on hover (title)
// and on focus (the name is a button that expands). Actions stay in view at any width from 800 px: the table
// never scrolls sideways, and the lesser columns give way first (see .files-table in styles.css). Sharing is one
// action (the Share dialog offers the links that work where they go); a private file opens for its owner through
// a short-lived signed link minted on click (open-private.ts), never through the open gateway that 404s it.
import { useState } from 'react'
import { toApiError } from '../api/errors'
import { formatAgo, formatBytes, shortCid } from '../api/format'
import type { FileDetail, FileRecord } from '../api/types'
import { useFiles } from '../store/files'
import { api } from '../store/session'
import { useToasts } from '../store/toasts'
import { Badge } from './Badge'
import { CopyButton } from './CopyButton'
import { ConfirmDialog } from './ConfirmDialog'
import { Dialog } from './Dialog'
import { Icon } from './Icon'
import { openExternal } from './links'
import { openPrivate } from './open-private'
import { removalWords } from './removal-words'
import { ShareDialog } from './ShareDialog'

const label = (f: FileRecord) => f.path ?? f.name

export function FileTable({ files }: { files: FileRecord[] }) {
  const [opened, setOpened] = useState<FileDetail>()
  const [deleting, setDeleting] = useState<FileDetail>()
  const [sharing, setSharing] = useState<FileRecord>()
  const remove = useFiles((s) => s.remove)
  const reload = useFiles((s) => s.load)
  const detail = async (f: FileRecord, then: (d: FileDetail) => void) => {
    try {
      then(await api().file(f.cid))
    } catch (err) {
      const e = toApiError(err)
      useToasts.getState().show(`Could not open ${label(f)}: ${e.details || e.reason}`, 'error')
    }
  }
  return (
    <>
      <div className="table-wrap">
        <table className="table files-table">
          <thead>
            <tr>
              <th scope="col" className="col-name">
                Name
              </th>
              <th scope="col" className="col-cid">
                CID
              </th>
              <th scope="col" className="num col-size">
                Size
              </th>
              <th scope="col" className="col-state">
                State
              </th>
              <th scope="col" className="num col-views">
                Views
              </th>
              <th scope="col" className="col-access">
                Last access
              </th>
              <th scope="col" className="actions-col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <FileRow
                key={f.cid}
                file={f}
                onOpen={() => void detail(f, setOpened)}
                onShare={() => setSharing(f)}
                onDelete={() => void detail(f, setDeleting)}
              />
            ))}
          </tbody>
        </table>
      </div>
      <Dialog open={Boolean(opened)} title={opened ? label(opened) : ''} onClose={() => setOpened(undefined)} wide>
        {opened ? <EntryDetail entry={opened} /> : null}
      </Dialog>
      <ShareDialog
        file={sharing}
        onClose={() => setSharing(undefined)}
        onChanged={() => {
          setSharing(undefined)
          void reload()
        }}
      />
      <ConfirmDialog
        item={deleting}
        title={deleting?.type === 'directory' ? 'Delete this folder?' : 'Delete this file?'}
        confirm="Delete"
        trash
        onConfirm={(f) => void remove(f.cid)}
        onCancel={() => setDeleting(undefined)}
      >
        {(f) => (
          <>
            <strong className="break">{label(f)}</strong> {removalWords(f.type === 'directory', f.removal)}
          </>
        )}
      </ConfirmDialog>
    </>
  )
}

/** A folder's files (each with its link), or a file's CID and links. */
function EntryDetail({ entry: d }: { entry: FileDetail }) {
  const gateway = api().absolute(d.gatewayUrl)
  return (
    <div className="entry-detail">
      <p className="muted">
        {d.type === 'directory' ? `Folder · ${d.entries?.length ?? 0} files · ` : `${d.mime} · `}
        {formatBytes(d.size)} · <Badge state={d.state} label={d.where} />
      </p>
      <p className="cid">
        <code className="break">{d.cid}</code>
        <CopyButton text={d.cid} label={`Copy CID of ${label(d)}`} what="CID copied" iconOnly className="btn-ghost" />
      </p>
      <p>
        {d.private ? (
          <button type="button" className="btn" onClick={() => void openPrivate(d.cid)}>
            Open {d.type === 'directory' ? 'the folder' : 'the file'} (private: on this computer, for you)
          </button>
        ) : (
          <a href={gateway} target="_blank" rel="noopener noreferrer" onClick={(e) => openExternal(e, gateway)}>
            Open {d.type === 'directory' ? 'the folder' : 'the file'} in the gateway
          </a>
        )}
      </p>
      {d.entries?.length ? (
        <ul className="entry-list" aria-label={`Files in ${label(d)}`}>
          {d.entries.map((e) => {
            const url = api().absolute(e.gatewayUrl)
            return (
              <li key={e.path}>
                {d.private ? (
                  <button
                    type="button"
                    className="link-button"
                    title={e.path}
                    onClick={() => void openPrivate(d.cid, e.path)}
                  >
                    {e.path}
                  </button>
                ) : (
                  <a
                    href={url}
                    target="_blank"
                    rel="noopener noreferrer"
                    title={e.path}
                    onClick={(ev) => openExternal(ev, url)}
                  >
                    {e.path}
                  </a>
                )}
                <span className="muted small">{formatBytes(e.size)}</span>
              </li>
            )
          })}
        </ul>
      ) : null}
    </div>
  )
}

function FileRow({
  file: f,
  onOpen,
  onShare,
  onDelete,
}: {
  file: FileRecord
  onOpen: () => void
  onShare: () => void
  onDelete: () => void
}) {
  const pin = useFiles((s) => s.pin)
  const unpin = useFiles((s) => s.unpin)
  const gateway = api().absolute(f.gatewayUrl)
  const name = label(f)
  const folder = f.type === 'directory'
  return (
    <tr data-cid={f.cid} data-type={f.type ?? 'file'}>
      <td className="name-cell col-name">
        <button
          type="button"
          className="file-name"
          title={name}
          onClick={onOpen}
          aria-label={`${name}: ${folder ? 'open folder' : 'details'}`}
        >
          {folder ? <Icon name="folder" /> : null}
          {name}
        </button>
        <span className="muted small">{folder ? 'folder' : f.mime}</span>
        {f.private ? (
          <span className="badge" title="Only in Tack: opened through signed links">
            Private
          </span>
        ) : null}
      </td>
      <td className="col-cid">
        <span className="cid">
          <code title={f.cid}>{shortCid(f.cid)}</code>
          <CopyButton text={f.cid} label={`Copy CID of ${name}`} what="CID copied" iconOnly className="btn-ghost" />
        </span>
      </td>
      <td className="num col-size">{formatBytes(f.size)}</td>
      <td className="col-state">
        {f.private ? (
          <span className="muted small">{f.where ?? 'private'}</span>
        ) : (
          <Badge state={f.state} label={f.where} />
        )}
      </td>
      <td className="num col-views">{f.views}</td>
      <td className="muted col-access" title={f.lastAccessed ?? undefined}>
        {formatAgo(f.lastAccessed)}
      </td>
      <td className="actions">
        <button
          type="button"
          className="btn btn-ghost btn-icon"
          onClick={onShare}
          title="Share"
          aria-label={`Share ${name}`}
        >
          <Icon name="link" />
        </button>
        {f.private ? (
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            onClick={() => void openPrivate(f.cid)}
            title="Open (private: on this computer, for you)"
            aria-label={`Open ${name}`}
          >
            <Icon name="open" />
          </button>
        ) : (
          <a
            className="btn btn-ghost btn-icon"
            href={gateway}
            target="_blank"
            rel="noopener noreferrer"
            title="Open"
            aria-label={`Open ${name}`}
            onClick={(e) => openExternal(e, gateway)}
          >
            <Icon name="open" />
          </a>
        )}
        {f.private ? (
          <span className="btn-placeholder" aria-hidden="true" />
        ) : f.state === 'stored' || f.state === 'failed' ? (
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            onClick={() => void pin(f.cid)}
            title="Pin now"
            aria-label={`Pin ${name} now`}
          >
            <Icon name="pin" />
          </button>
        ) : f.state === 'pinned' ? (
          <button
            type="button"
            className="btn btn-ghost btn-icon pinned"
            onClick={() => void unpin(f.cid)}
            title="Unpin (keep the upload)"
            aria-label={`Unpin ${name}`}
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
          aria-label={`Delete ${name}`}
        >
          <Icon name="trash" />
        </button>
      </td>
    </tr>
  )
}
