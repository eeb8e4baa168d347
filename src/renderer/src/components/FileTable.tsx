// The library: one row per entry (a file, or a folder that opens to its files) with its CID, size, state and
// use, and what can be done with it. Long names are cut with an ellipsis; the full name shows on hover (title)
// and on focus (the name is a grid cell that expands; Enter or a click opens its details). A row shows one action,
// Share (the Share dialog offers the links that work where they go), and a "More actions" menu with the rest
// (RowMenu.tsx); the table body is one tab stop with arrow keys inside (row-grid.ts). Actions stay in view at any
// width from 800 px: the table never scrolls sideways, and the lesser columns give way first (see .files-table in
// styles.css). A private file opens for its owner through a short-lived signed link minted on click
// (open-private.ts), never through the open gateway that 404s it.
import { useState } from 'react'
import { toApiError } from '../api/errors'
import { formatBytes, shortCid } from '../api/format'
import { Time } from './Time'
import type { FileDetail, FileRecord } from '../api/types'
import { useFiles } from '../store/files'
import { api } from '../store/session'
import { copyText, useToasts } from '../store/toasts'
import { Badge } from './Badge'
import { CopyButton } from './CopyButton'
import { ConfirmDialog } from './ConfirmDialog'
import { Dialog } from './Dialog'
import { Icon } from './Icon'
import { openExternal } from './links'
import { openPrivate } from './open-private'
import { removalWords } from './removal-words'
import { RowMenu, type RowMenuItem } from './RowMenu'
import { useRowGrid } from './row-grid'
import { ShareDialog } from './ShareDialog'

const label = (f: FileRecord) => f.path ?? f.name

export function FileTable({ files }: { files: FileRecord[] }) {
  const [opened, setOpened] = useState<FileDetail>()
  const [deleting, setDeleting] = useState<FileDetail>()
  const [sharing, setSharing] = useState<FileRecord>()
  const remove = useFiles((s) => s.remove)
  const reload = useFiles((s) => s.load)
  const grid = useRowGrid()
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
        <table className="table files-table" role="grid" aria-label="Files">
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
          <tbody ref={grid}>
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
  const name = label(f)
  const folder = f.type === 'directory'
  return (
    <tr data-cid={f.cid} data-type={f.type ?? 'file'}>
      {/* The name is a grid cell: focus shows the whole name, Enter (or a click) opens its details. */}
      <td
        className="name-cell col-name"
        data-cell
        onClick={onOpen}
        onKeyDown={(e) => {
          if (e.key !== 'Enter' || e.target !== e.currentTarget) return
          e.preventDefault()
          onOpen()
        }}
      >
        <span className="file-name" title={name}>
          {folder ? <Icon name="folder" /> : null}
          {name}
        </span>
        <span className="muted small">{folder ? 'folder' : f.mime}</span>
        {f.private ? (
          <span className="badge" title="Only in Tack: opened through signed links">
            Private
          </span>
        ) : null}
      </td>
      <td className="col-cid">
        <code className="cid" title={f.cid}>
          {shortCid(f.cid)}
        </code>
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
      <td className="muted col-access">
        <Time iso={f.lastAccessed} />
      </td>
      <td className="actions">
        <button type="button" className="btn btn-ghost" data-cell onClick={onShare} aria-label={`Share ${name}`}>
          <Icon name="link" /> Share
        </button>
        <RowMenu label={`More actions for ${name}`} items={fileActions(f, { onOpen, onDelete, pin, unpin })} />
      </td>
    </tr>
  )
}

/** What a file row's menu holds, each named for the file it acts on. */
function fileActions(
  f: FileRecord,
  on: { onOpen(): void; onDelete(): void; pin(cid: string): Promise<void>; unpin(cid: string): Promise<void> },
): RowMenuItem[] {
  const name = label(f)
  const items: RowMenuItem[] = [
    f.private
      ? {
          label: 'Open (private, for you)',
          name: `Open ${name}`,
          icon: 'open',
          onSelect: () => void openPrivate(f.cid),
        }
      : { label: 'Open', name: `Open ${name}`, icon: 'open', href: api().absolute(f.gatewayUrl) },
    {
      label: 'Copy CID',
      name: `Copy CID of ${name}`,
      icon: 'copy',
      onSelect: () => void copyText(f.cid, 'CID copied'),
    },
  ]
  if (!f.private && (f.state === 'stored' || f.state === 'failed'))
    items.push({ label: 'Pin now', name: `Pin ${name} now`, icon: 'pin', onSelect: () => void on.pin(f.cid) })
  if (!f.private && f.state === 'pinned')
    items.push({
      label: 'Unpin (keep the upload)',
      name: `Unpin ${name}`,
      icon: 'pin',
      onSelect: () => void on.unpin(f.cid),
    })
  items.push(
    {
      label: 'Details',
      name: `Details of ${name}`,
      icon: f.type === 'directory' ? 'folder' : 'files',
      onSelect: on.onOpen,
    },
    { label: 'Delete', name: `Delete ${name}`, icon: 'trash', onSelect: on.onDelete, danger: true },
  )
  return items
}
