// Pins: the account's pin objects (Pinning Service API), filtered by status and name (the server) and by any
// part of a CID (here: the table shows shortened CIDs), sorted by created, name or status, paged at the size
// the user picks; rows can be selected and removed together after one confirmation that lists what goes.
// Statuses change live as Tack fetches the content. Each row opens its details (origins, forwarding per target,
// timeline); a pinned pin opens at the gateway, a failed one is retried as itself, one or all failed at once.
// A row shows one action by its state (Open, Retry, else Details) and a "More actions" menu with the rest; the
// table body is one tab stop with arrow keys inside (row-grid.ts).
import { useEffect, useMemo, useState } from 'react'
import type { PinStatus, Status, TextMatchingStrategy } from '../../../shared/psa'
import { formatBytes, localTimes, shortCid } from '../api/format'
import { detailsWords, reasonWords, targetStates } from '../api/pin-words'
import { Badge } from '../components/Badge'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { Dialog } from '../components/Dialog'
import { Icon } from '../components/Icon'
import { SearchField } from '../components/SearchField'
import { PinDetails } from '../components/PinDetails'
import { PinForm } from '../components/PinForm'
import { RowMenu, type RowMenuItem } from '../components/RowMenu'
import { useRowGrid } from '../components/row-grid'
import { copyText } from '../store/toasts'
import { Time, TimesIn } from '../components/Time'
import { openExternal } from '../components/links'
import { api } from '../store/session'
import { Empty, ErrorBox, Spinner } from '../components/States'
import { matchCid, pageOf, sortPins, type PinSortKey } from '../store/pin-view'
import { ALL_STATUSES, LOAD_MAX, PAGE_SIZES, usePins } from '../store/pins'

const MATCHES: Array<[TextMatchingStrategy, string]> = [
  ['ipartial', 'contains'],
  ['partial', 'contains (case-sensitive)'],
  ['iexact', 'is'],
  ['exact', 'is (case-sensitive)'],
]
/** How many of the pins a bulk removal names in its dialog; the rest are counted. */
const NAMED_IN_DIALOG = 8

const pinLabel = (p: PinStatus) => p.pin.name || shortCid(p.pin.cid)

export function PinsPage() {
  const s = usePins()
  const { all, count, loading, loaded, error, filter, sort, selected, load, setFilter } = s
  const [adding, setAdding] = useState(false)
  const [removing, setRemoving] = useState<PinStatus>()
  const [bulk, setBulk] = useState<PinStatus[]>()
  const [name, setName] = useState(filter.name)
  // By requestid: the dialog shows the row as it is now, live.
  const [detailsOf, setDetailsOf] = useState<string>()
  const details = detailsOf ? all.find((p) => p.requestid === detailsOf) : undefined
  const grid = useRowGrid()

  useEffect(() => {
    void load()
  }, [load])
  useEffect(() => {
    if (name === filter.name) return
    const t = setTimeout(() => setFilter({ name }), 300)
    return () => clearTimeout(t)
  }, [name, filter.name, setFilter])

  const shown = useMemo(() => sortPins(matchCid(all, filter.cid), sort), [all, filter.cid, sort])
  const { rows, page, pages } = pageOf(shown, s.page, s.pageSize)
  const unfiltered = filter.status.length === ALL_STATUSES.length && !filter.name.trim() && !filter.cid.trim()
  const pageIds = rows.map((p) => p.requestid)
  const pageAll = pageIds.length > 0 && pageIds.every((id) => selected.has(id))
  const pageSome = pageIds.some((id) => selected.has(id))
  const chosen = shown.filter((p) => selected.has(p.requestid))
  const failed = shown.filter((p) => p.status === 'failed')

  // No chip pressed means every status. Pressing one narrows to it; pressing the last pressed one widens again.
  const all4 = filter.status.length === ALL_STATUSES.length
  const toggle = (st: Status) => {
    if (all4) return setFilter({ status: [st] })
    const next = filter.status.includes(st) ? filter.status.filter((x) => x !== st) : [...filter.status, st]
    setFilter({ status: next.length ? next : [...ALL_STATUSES] })
  }
  const clearFilters = () => {
    setName('')
    setFilter({ status: [...ALL_STATUSES], name: '', cid: '' })
  }

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
            {ALL_STATUSES.map((st) => (
              <button
                key={st}
                type="button"
                className={`chip chip-${st}`}
                aria-pressed={!all4 && filter.status.includes(st)}
                onClick={() => toggle(st)}
              >
                {st}
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
          <SearchField
            label="Search by any part of a CID"
            placeholder="Part of a CID"
            value={filter.cid}
            onChange={(cid) => setFilter({ cid })}
            icon={false}
          />
          <span className="spacer" />
          {loading && loaded ? <span className="spinner small" role="status" aria-label="Refreshing" /> : null}
          {failed.length ? (
            <button type="button" className="btn" onClick={() => void s.retry(failed.map((p) => p.requestid))}>
              <Icon name="refresh" /> Retry {failed.length === 1 ? 'the failed pin' : `all ${failed.length} failed`}
            </button>
          ) : null}
        </div>

        {selected.size > 0 ? (
          <div className="select-bar" role="region" aria-label="Selection">
            <span>
              <strong>{chosen.length}</strong> selected
              {chosen.length < shown.length && pageAll ? (
                <button
                  type="button"
                  className="btn btn-ghost"
                  onClick={() =>
                    s.select(
                      shown.map((p) => p.requestid),
                      true,
                    )
                  }
                >
                  Select all {shown.length} that match
                </button>
              ) : null}
            </span>
            <span className="spacer" />
            <button type="button" className="btn" onClick={() => s.select([...selected], false)}>
              Clear selection
            </button>
            <button type="button" className="btn btn-danger" disabled={!chosen.length} onClick={() => setBulk(chosen)}>
              <Icon name="trash" /> Remove {chosen.length} selected
            </button>
          </div>
        ) : null}

        {error ? <ErrorBox error={error} onRetry={() => void load()} /> : null}
        {!loaded && loading ? <Spinner label="Loading pins…" /> : null}
        {loaded && !error && shown.length === 0 ? (
          unfiltered && all.length === 0 ? (
            <Empty icon="pin" title="No pins yet">
              Pin a CID, upload a file, or point your own Kubo at Tack (see Developer).
            </Empty>
          ) : (
            <Empty icon="search" title="No pins match these filters">
              <p>
                {all.length
                  ? `None of the ${all.length} pins that the status and name filters leave has a CID containing “${filter.cid.trim()}”.`
                  : 'No pin has this status and name.'}
              </p>
              <button type="button" className="btn" onClick={clearFilters}>
                Clear filters
              </button>
            </Empty>
          )
        ) : null}
        {rows.length > 0 ? (
          <div className="table-wrap">
            <table className="table pins-table" role="grid" aria-label="Pins">
              <thead>
                <tr>
                  <th scope="col" className="col-check">
                    <input
                      type="checkbox"
                      aria-label={`Select the ${rows.length} pins on this page`}
                      checked={pageAll}
                      ref={(el) => {
                        if (el) el.indeterminate = pageSome && !pageAll
                      }}
                      onChange={(e) => s.select(pageIds, e.target.checked)}
                    />
                  </th>
                  <SortHeader label="Name" by="name" />
                  <th scope="col" className="col-cid">
                    CID
                  </th>
                  <SortHeader label="Status" by="status" className="col-status" />
                  <SortHeader label="Created" by="created" className="col-created" />
                  <th scope="col" className="actions-col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody ref={grid}>
                {rows.map((p) => (
                  <PinRow
                    key={p.requestid}
                    pin={p}
                    selected={selected.has(p.requestid)}
                    onSelect={(on) => s.select([p.requestid], on)}
                    onRemove={() => setRemoving(p)}
                    onDetails={() => setDetailsOf(p.requestid)}
                    onRetry={() => void s.retry([p.requestid])}
                  />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {shown.length > 0 ? (
          <div className="pager">
            <label className="inline">
              <span className="muted">Rows per page</span>
              <select value={s.pageSize} onChange={(e) => s.setPageSize(Number(e.target.value))}>
                {PAGE_SIZES.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="btn" disabled={page === 0} onClick={() => s.setPage(0)}>
              « First
            </button>
            <button type="button" className="btn" disabled={page === 0} onClick={() => s.setPage(page - 1)}>
              ‹ Previous
            </button>
            <span className="muted" aria-live="polite">
              {page * s.pageSize + 1}–{page * s.pageSize + rows.length} of {shown.length} · page {page + 1} of {pages}
            </span>
            <button type="button" className="btn" disabled={page >= pages - 1} onClick={() => s.setPage(page + 1)}>
              Next ›
            </button>
            <button type="button" className="btn" disabled={page >= pages - 1} onClick={() => s.setPage(pages - 1)}>
              Last »
            </button>
          </div>
        ) : null}
        {count > all.length && !error ? (
          <p className="muted small">
            Showing the newest {Math.min(all.length, LOAD_MAX)} of {count} pins: narrow by status or name to reach older
            ones.
          </p>
        ) : null}
      </section>

      <PinDetails pin={details} onClose={() => setDetailsOf(undefined)} onRetry={(p) => void s.retry([p.requestid])} />
      <Dialog open={adding} title="Pin from CID" onClose={() => setAdding(false)}>
        <PinForm onDone={() => setAdding(false)} />
      </Dialog>
      <ConfirmDialog
        item={removing}
        title="Remove this pin?"
        confirm="Remove pin"
        trash
        onConfirm={(p) => void s.remove(p.requestid)}
        onCancel={() => setRemoving(undefined)}
      >
        {(p) => (
          <>
            Tack stops keeping <code>{shortCid(p.pin.cid)}</code>
            {p.pin.name ? ` (${p.pin.name})` : ''}. Other pins of the same content keep it.
          </>
        )}
      </ConfirmDialog>
      <BulkRemoveDialog pins={bulk} onClose={() => setBulk(undefined)} onConfirm={(ids) => void s.removeMany(ids)} />
    </div>
  )
}

function SortHeader({ label, by, className }: { label: string; by: PinSortKey; className?: string }) {
  const sort = usePins((st) => st.sort)
  const setSort = usePins((st) => st.setSort)
  const active = sort.key === by
  // Names read best A→Z first; times and statuses newest / failed first.
  const first = by === 'name' ? 'asc' : by === 'status' ? 'asc' : 'desc'
  const next = active ? (sort.dir === 'asc' ? 'desc' : 'asc') : first
  return (
    <th
      scope="col"
      className={className}
      aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button type="button" className="sort-btn" onClick={() => setSort({ key: by, dir: next })}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
    </th>
  )
}

function BulkRemoveDialog({
  pins,
  onClose,
  onConfirm,
}: {
  pins: PinStatus[] | undefined
  onClose(): void
  onConfirm(requestids: string[]): void
}) {
  const n = pins?.length ?? 0
  return (
    <Dialog open={pins !== undefined} title={`Remove ${n} pin${n === 1 ? '' : 's'}?`} onClose={onClose}>
      {pins ? (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault()
            onConfirm(pins.map((p) => p.requestid))
            onClose()
          }}
        >
          <p>
            Tack stops keeping {n === 1 ? 'this pin' : `these ${n} pins`}. Other pins of the same content keep it; an
            uploaded file whose pin goes stays in Files, unpinned.
          </p>
          <ul className="bulk-list">
            {pins.slice(0, NAMED_IN_DIALOG).map((p) => (
              <li key={p.requestid}>
                {p.pin.name ? `${p.pin.name} ` : null}
                <code>{shortCid(p.pin.cid)}</code>
              </li>
            ))}
            {n > NAMED_IN_DIALOG ? <li className="muted">and {n - NAMED_IN_DIALOG} more</li> : null}
          </ul>
          <div className="form-actions">
            <button type="button" className="btn" onClick={onClose}>
              Keep them
            </button>
            <button type="submit" className="btn btn-danger" autoFocus>
              <Icon name="trash" /> Remove {n} pin{n === 1 ? '' : 's'}
            </button>
          </div>
        </form>
      ) : null}
    </Dialog>
  )
}

function PinRow({
  pin: p,
  selected,
  onSelect,
  onRemove,
  onDetails,
  onRetry,
}: {
  pin: PinStatus
  selected: boolean
  onSelect(on: boolean): void
  onRemove(): void
  onDetails(): void
  onRetry(): void
}) {
  const reason = detailsWords(p.info?.status_details)
  const reasonText = reasonWords(p.info?.status_details)
  const size = Number(p.info?.dag_size)
  const targets = targetStates(p.info)
  const label = pinLabel(p)
  return (
    <tr data-requestid={p.requestid} data-cid={p.pin.cid} data-status={p.status} data-selected={selected || undefined}>
      <td className="col-check">
        <input
          type="checkbox"
          data-cell
          checked={selected}
          onChange={(e) => onSelect(e.target.checked)}
          aria-label={`Select ${label}`}
        />
      </td>
      {/* The name is a grid cell: Enter (or a click) opens the pin's details. */}
      <td
        className="name-cell"
        data-cell
        onClick={onDetails}
        onKeyDown={(e) => {
          if (e.key !== 'Enter' || e.target !== e.currentTarget) return
          e.preventDefault()
          onDetails()
        }}
      >
        <span className="file-name">{p.pin.name || 'unnamed'}</span>
        {p.pin.meta && Object.keys(p.pin.meta).length ? (
          <span className="muted small">
            {Object.entries(p.pin.meta)
              .map(([k, v]) => `${k}=${v}`)
              .join(' · ')}
          </span>
        ) : null}
      </td>
      <td>
        <code className="cid" title={p.pin.cid}>
          {shortCid(p.pin.cid)}
        </code>
        {Number.isFinite(size) && size > 0 ? <span className="muted small"> {formatBytes(size)}</span> : null}
      </td>
      <td className="status-cell">
        <Badge state={p.status} title={reason} />
        {p.status === 'failed' && reasonText ? (
          <p className="fail-reason">
            <TimesIn text={reasonText} />
          </p>
        ) : null}
        {p.status === 'queued' || p.status === 'pinning' ? (
          // Why it waits and how much has arrived, in the row itself. Kubo reports blocks, not a total, so the
          // bar is indeterminate (the browser animates a <progress> without a value) and the count is text.
          <div className="pin-waiting">
            {p.status === 'pinning' ? <progress aria-label={`Fetching ${label}`} /> : null}
            {p.info?.progress ? <span className="muted small"> {p.info.progress} blocks arrived</span> : null}
            {reasonText ? (
              <p className="muted small pin-reason">
                <TimesIn text={reasonText} />
              </p>
            ) : null}
          </div>
        ) : null}
        {targets.length ? (
          <p className="small target-states">
            {targets.map((t) => (
              <span
                key={t.name}
                className="target-state"
                data-target={t.name}
                data-target-status={t.status}
                title={t.details && localTimes(t.details)}
              >
                {t.name}: {t.status}
                {t.details ? (
                  <>
                    {' ('}
                    <TimesIn text={t.details} />)
                  </>
                ) : null}
              </span>
            ))}
          </p>
        ) : null}
      </td>
      <td className="muted col-created">
        <Time iso={p.created} />
      </td>
      <td className="actions">
        <PinPrimary pin={p} label={label} onDetails={onDetails} onRetry={onRetry} />
        <RowMenu label={`More actions for ${label}`} items={pinActions(p, label, { onDetails, onRetry, onRemove })} />
      </td>
    </tr>
  )
}

const gatewayOf = (p: PinStatus) => api().absolute(`/api/gateway/${p.pin.cid}`)

/** The one action a pin's row shows, by its state: Open when pinned, Retry when failed, else its Details. */
function PinPrimary({
  pin: p,
  label,
  onDetails,
  onRetry,
}: {
  pin: PinStatus
  label: string
  onDetails(): void
  onRetry(): void
}) {
  if (p.status === 'pinned') {
    const gateway = gatewayOf(p)
    return (
      <a
        className="btn btn-ghost"
        data-cell
        href={gateway}
        target="_blank"
        rel="noreferrer"
        onClick={(e) => openExternal(e, gateway)}
        aria-label={`Open ${label} at the gateway`}
        title="Open at the gateway"
      >
        <Icon name="open" /> <span className="btn-label">Open</span>
      </a>
    )
  }
  if (p.status === 'failed')
    return (
      <button
        type="button"
        className="btn btn-ghost"
        data-cell
        onClick={onRetry}
        aria-label={`Retry ${label}`}
        title="Retry"
      >
        <Icon name="refresh" /> <span className="btn-label">Retry</span>
      </button>
    )
  return (
    <button
      type="button"
      className="btn btn-ghost"
      data-cell
      onClick={onDetails}
      aria-label={`Details of ${label}`}
      title="Details"
    >
      <Icon name="search" /> <span className="btn-label">Details</span>
    </button>
  )
}

/** What a pin row's menu holds (the row's primary action too, so the menu alone reaches everything). */
function pinActions(
  p: PinStatus,
  label: string,
  on: { onDetails(): void; onRetry(): void; onRemove(): void },
): RowMenuItem[] {
  const items: RowMenuItem[] = [
    { label: 'Details', name: `Details of ${label}`, icon: 'search', onSelect: on.onDetails },
  ]
  if (p.status === 'failed')
    items.push({ label: 'Retry', name: `Retry ${label}`, icon: 'refresh', onSelect: on.onRetry })
  if (p.status === 'pinned')
    items.push({ label: 'Open at the gateway', name: `Open ${label} at the gateway`, icon: 'open', href: gatewayOf(p) })
  items.push(
    {
      label: 'Copy CID',
      name: `Copy the CID of ${label}`,
      icon: 'copy',
      onSelect: () => void copyText(p.pin.cid, 'CID copied'),
    },
    {
      label: 'Remove pin',
      name: `Remove pin ${p.pin.name ?? p.pin.cid}`,
      icon: 'trash',
      onSelect: on.onRemove,
      danger: true,
    },
  )
  return items
}
