// One pin object in full: where it stands (status, details in words, blocks arrived, size), what was asked
// (CID, name, origins, meta), where it stands at each forwarding target, and when it was created, started
// and settled. Open for a pinned pin, Retry for a failed one.
import type { PinStatus } from '../../../shared/psa'
import { formatBytes, formatLocal } from '../api/format'
import { reasonWords, targetStates, timeline } from '../api/pin-words'
import { api } from '../store/session'
import { Badge } from './Badge'
import { CopyButton } from './CopyButton'
import { Dialog } from './Dialog'
import { Icon } from './Icon'
import { openExternal } from './links'
import { Time, TimesIn } from './Time'

export function PinDetails({
  pin,
  onClose,
  onRetry,
}: {
  pin?: PinStatus
  onClose(): void
  onRetry(p: PinStatus): void
}) {
  return (
    <Dialog
      open={pin !== undefined}
      title={pin?.pin.name ? `Pin “${pin.pin.name}”` : 'Pin details'}
      onClose={onClose}
      wide
    >
      {pin ? <Body pin={pin} onRetry={onRetry} /> : null}
    </Dialog>
  )
}

function Body({ pin: p, onRetry }: { pin: PinStatus; onRetry(p: PinStatus): void }) {
  const size = Number(p.info?.dag_size)
  const targets = targetStates(p.info)
  const reason = reasonWords(p.info?.status_details)
  const gateway = api().absolute(`/api/gateway/${p.pin.cid}`)
  return (
    <div className="pin-details" data-requestid={p.requestid}>
      <dl className="details-list">
        <dt>Status</dt>
        <dd>
          <Badge state={p.status} />
          {reason ? (
            <p className="small pin-details-reason">
              <TimesIn text={reason} />
            </p>
          ) : null}
          {p.info?.progress ? <p className="muted small">{p.info.progress} blocks arrived</p> : null}
        </dd>
        <dt>CID</dt>
        <dd className="cid">
          <code className="break">{p.pin.cid}</code>
          <CopyButton
            text={p.pin.cid}
            label={`Copy the CID of ${p.pin.name || 'this pin'}`}
            what="CID copied"
            iconOnly
            className="btn-ghost"
          />
        </dd>
        {Number.isFinite(size) && size > 0 ? (
          <>
            <dt>Size</dt>
            <dd>{formatBytes(size)}</dd>
          </>
        ) : null}
        <dt>Origins</dt>
        <dd>
          {p.pin.origins?.length ? (
            <ul className="origins">
              {p.pin.origins.map((o) => (
                <li key={o}>
                  <code className="break">{o}</code>
                </li>
              ))}
            </ul>
          ) : (
            <span className="muted">none given: Tack asks the network for the content</span>
          )}
        </dd>
        {p.pin.meta && Object.keys(p.pin.meta).length ? (
          <>
            <dt>Meta</dt>
            <dd>
              {Object.entries(p.pin.meta).map(([k, v]) => (
                <div key={k}>
                  <code>{k}</code> = {v}
                </div>
              ))}
            </dd>
          </>
        ) : null}
        <dt>Forwarding</dt>
        <dd>
          {targets.length ? (
            <ul className="targets">
              {targets.map((t) => (
                <li key={t.name} data-target={t.name} data-target-status={t.status}>
                  <strong>{t.name}</strong> <Badge state={t.status} />
                  {t.peers ? <span className="muted small"> on {t.peers} peers</span> : null}
                  {t.details ? (
                    <span className="small">
                      {' '}
                      <TimesIn text={t.details} />
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <span className="muted">not forwarded to any target</span>
          )}
        </dd>
        <dt>Timeline</dt>
        <dd>
          <ol className="timeline">
            {timeline(p).map((s) => (
              <li key={s.label}>
                {s.label} <Time iso={s.iso} /> <span className="muted small">({formatLocal(s.iso)})</span>
              </li>
            ))}
          </ol>
        </dd>
        <dt>Request ID</dt>
        <dd>
          <code className="break">{p.requestid}</code>
        </dd>
      </dl>
      <div className="form-actions">
        {p.status === 'pinned' ? (
          <a className="btn" href={gateway} target="_blank" rel="noreferrer" onClick={(e) => openExternal(e, gateway)}>
            <Icon name="open" /> Open
          </a>
        ) : null}
        {p.status === 'failed' ? (
          <button type="button" className="btn btn-primary" onClick={() => onRetry(p)}>
            <Icon name="refresh" /> Retry
          </button>
        ) : null}
      </div>
    </div>
  )
}
