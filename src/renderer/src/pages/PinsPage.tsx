// Pins: the account's pin objects (Pinning Service API), filtered by status, name and CID, paged newest
// first, with statuses that change live as Tack fetches the content.
import { useEffect, useState } from 'react'
import type { PinStatus, Status, TextMatchingStrategy } from '../../../shared/psa'
import { formatAgo, formatBytes, shortCid } from '../api/format'
import { Badge } from '../components/Badge'
import { CopyButton } from '../components/CopyButton'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { Dialog } from '../components/Dialog'
import { Icon } from '../components/Icon'
import { SearchField } from '../components/SearchField'
import { PinForm } from '../components/PinForm'
import { Empty, ErrorBox, Spinner } from '../components/States'
import { ALL_STATUSES, PINS_PAGE, usePins } from '../store/pins'

const MATCHES: Array<[TextMatchingStrategy, string]> = [
  ['ipartial', 'contains'],
  ['partial', 'contains (case-sensitive)'],
  ['iexact', 'is'],
  ['exact', 'is (case-sensitive)'],
]

export function PinsPage() {
  const { results, count, loading, loaded, error, filter, cursors, load, setFilter, nextPage, prevPage, remove } =
    usePins()
  const [adding, setAdding] = useState(false)
  const [removing, setRemoving] = useState<PinStatus>()
  const [name, setName] = useState(filter.name)
  const [cid, setCid] = useState(filter.cid)

  useEffect(() => {
    void load()
  }, [load])
  useEffect(() => {
    if (name === filter.name && cid === filter.cid) return
    const t = setTimeout(() => setFilter({ name, cid }), 300)
    return () => clearTimeout(t)
  }, [name, cid, filter.name, filter.cid, setFilter])

  // No chip pressed means every status. Pressing one narrows to it; pressing the last pressed one widens again.
  const all = filter.status.length === ALL_STATUSES.length
  const toggle = (s: Status) => {
    if (all) return setFilter({ status: [s] })
    const next = filter.status.includes(s) ? filter.status.filter((x) => x !== s) : [...filter.status, s]
    setFilter({ status: next.length ? next : [...ALL_STATUSES] })
  }
  const page = cursors.length
  const shownBefore = (page - 1) * PINS_PAGE

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Pins</h1>
          <p className="muted">
            Content this Tack keeps: your uploads and everything pinned through the Pinning Service API.
          </p>
        </div>
        <div className="page-actions">
          <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
            <Icon name="plus" /> Pin from CID
          </button>
        </div>
      </header>

      <section className="card">
        <div className="toolbar wrap">
          <div className="chips" role="group" aria-label="Status">
            {ALL_STATUSES.map((s) => (
              <button
                key={s}
                type="button"
                className={`chip chip-${s}`}
                aria-pressed={!all && filter.status.includes(s)}
                onClick={() => toggle(s)}
              >
                {s}
              </button>
            ))}
          </div>
          <SearchField label="Name" placeholder="Name" value={name} onChange={setName} main />
          <label className="inline">
            <span className="sr-only">Name match</span>
            <select
              value={filter.match}
              onChange={(e) => setFilter({ match: e.target.value as TextMatchingStrategy })}
              aria-label="Name match"
            >
              {MATCHES.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <SearchField label="CID filter" placeholder="CID" value={cid} onChange={setCid} icon={false} />
          <span className="spacer" />
          {loading && loaded ? <span className="spinner small" aria-label="Refreshing" /> : null}
        </div>

        {error ? <ErrorBox error={error} onRetry={() => void load()} /> : null}
        {!loaded && loading ? <Spinner label="Loading pins…" /> : null}
        {loaded && !error && results.length === 0 ? (
          <Empty icon="pin" title="No pins here">
            {page > 1
              ? 'This is past the last page.'
              : 'Pin a CID, upload a file, or point your own Kubo at Tack (see Developer).'}
          </Empty>
        ) : null}
        {results.length > 0 ? (
          <div className="table-wrap">
            <table className="table pins-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">CID</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col" className="actions-col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {results.map((p) => (
                  <PinRow key={p.requestid} pin={p} onRemove={() => setRemoving(p)} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {results.length > 0 || page > 1 ? (
          <div className="pager">
            <button type="button" className="btn" disabled={page <= 1} onClick={prevPage}>
              ← Newer
            </button>
            <span className="muted">
              {results.length ? `${shownBefore + 1}–${shownBefore + results.length}` : '0'} of {shownBefore + count}
            </span>
            <button type="button" className="btn" disabled={count <= results.length} onClick={nextPage}>
              Older →
            </button>
          </div>
        ) : null}
      </section>

      <Dialog open={adding} title="Pin from CID" onClose={() => setAdding(false)}>
        <PinForm onDone={() => setAdding(false)} />
      </Dialog>
      <ConfirmDialog
        item={removing}
        title="Remove this pin?"
        confirm="Remove pin"
        trash
        onConfirm={(p) => void remove(p.requestid)}
        onCancel={() => setRemoving(undefined)}
      >
        {(p) => (
          <>
            Tack stops keeping <code>{shortCid(p.pin.cid)}</code>
            {p.pin.name ? ` (${p.pin.name})` : ''}. Other pins of the same content keep it.
          </>
        )}
      </ConfirmDialog>
    </div>
  )
}

function PinRow({ pin: p, onRemove }: { pin: PinStatus; onRemove: () => void }) {
  const reason = p.info?.status_details
  const size = Number(p.info?.dag_size)
  return (
    <tr data-requestid={p.requestid} data-cid={p.pin.cid}>
      <td className="name-cell">
        <span className="file-name">{p.pin.name || <span className="muted">unnamed</span>}</span>
        {p.pin.meta && Object.keys(p.pin.meta).length ? (
          <span className="muted small">
            {Object.entries(p.pin.meta)
              .map(([k, v]) => `${k}=${v}`)
              .join(' · ')}
          </span>
        ) : null}
      </td>
      <td>
        <span className="cid">
          <code title={p.pin.cid}>{shortCid(p.pin.cid)}</code>
          <CopyButton text={p.pin.cid} label="Copy CID" what="CID copied" iconOnly className="btn-ghost" />
        </span>
        {Number.isFinite(size) && size > 0 ? <span className="muted small"> {formatBytes(size)}</span> : null}
      </td>
      <td>
        <Badge state={p.status} title={reason} />
        {p.status === 'failed' && reason ? <p className="fail-reason">{reason}</p> : null}
        {p.status === 'queued' || p.status === 'pinning' ? (
          // Why it waits and how much has arrived, in the row itself. Kubo reports blocks, not a total, so the
          // bar is indeterminate (the browser animates a <progress> without a value) and the count is text.
          <div className="pin-waiting">
            {p.status === 'pinning' ? <progress aria-label={`Fetching ${p.pin.name || shortCid(p.pin.cid)}`} /> : null}
            {p.info?.progress ? <span className="muted small"> {p.info.progress} blocks arrived</span> : null}
            {reason ? <p className="muted small pin-reason">{reason}</p> : null}
          </div>
        ) : null}
      </td>
      <td className="muted" title={p.created}>
        {formatAgo(p.created)}
      </td>
      <td className="actions">
        <button
          type="button"
          className="btn btn-ghost btn-icon danger"
          onClick={onRemove}
          title="Remove pin"
          aria-label={`Remove pin ${p.pin.name ?? p.pin.cid}`}
        >
          <Icon name="trash" />
        </button>
      </td>
    </tr>
  )
}
