// Dashboard and settings: storage against quota, pins by status, the node, LAN sharing and (admins) accounts.
import { useEffect } from 'react'
import { formatBytes } from '../api/format'
import { quotaWarning } from '../api/quota'
import { AccountsPanel } from '../components/AccountsPanel'
import { BackupButton } from '../components/BackupButton'
import { Badge } from '../components/Badge'
import { CopyButton } from '../components/CopyButton'
import { GatewayPanel } from '../components/GatewayPanel'
import { QrCode } from '../components/QrCode'
import { RemotesPanel } from '../components/RemotesPanel'
import { ErrorBox, Spinner } from '../components/States'
import { useDashboard } from '../store/dashboard'
import { ALL_STATUSES, usePins } from '../store/pins'
import { isAdmin, useSession } from '../store/session'

export function DashboardPage({ go }: { go: (page: 'pins') => void }) {
  const { me, status, counts, load } = useDashboard()
  const session = useSession((s) => s.me)
  useEffect(() => {
    void load()
  }, [load])
  const usage = me.value?.usage ?? 0
  const quota = me.value?.quota ?? null
  const pct = quota ? Math.min(100, (usage / quota) * 100) : 0

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Dashboard</h1>
          <p className="muted">{me.value ? `Signed in as ${me.value.name}${me.value.owner ? ' (owner)' : ''}` : ' '}</p>
        </div>
        <div className="page-actions">
          {isAdmin(session) ? <BackupButton /> : null}
          <button type="button" className="btn" onClick={() => void load()}>
            Refresh
          </button>
        </div>
      </header>

      <div className="grid-2">
        <section className="card" aria-label="Storage">
          <header className="card-head">
            <h2>Storage</h2>
          </header>
          {me.error ? <ErrorBox error={me.error} /> : null}
          {me.value ? (
            <>
              <p className="big">
                {formatBytes(usage)}{' '}
                <span className="muted">{quota === null ? 'used · no quota' : `of ${formatBytes(quota)}`}</span>
              </p>
              {quotaWarning(quota) ? (
                <p className="field-warning" role="status">
                  {quotaWarning(quota)}
                </p>
              ) : null}
              {me.value.usageParts ? (
                <dl className="facts storage-parts">
                  <dt>On IPFS (pins)</dt>
                  <dd data-part="pinned">{formatBytes(me.value.usageParts.pinned)}</dd>
                  <dt>Only in Tack (not pinned, private)</dt>
                  <dd data-part="stored">{formatBytes(me.value.usageParts.stored)}</dd>
                </dl>
              ) : null}
              {quota !== null ? (
                <div
                  className={`progress ${pct > 90 ? 'warn' : ''}`}
                  role="progressbar"
                  aria-label="Storage used"
                  aria-valuenow={Math.round(pct)}
                  aria-valuemin={0}
                  aria-valuemax={100}
                >
                  <div className="progress-bar" style={{ width: `${pct}%` }} />
                </div>
              ) : null}
            </>
          ) : me.loading ? (
            <Spinner />
          ) : null}
        </section>

        <section className="card" aria-label="Pins by status">
          <header className="card-head">
            <h2>Pins</h2>
          </header>
          {counts.error ? <ErrorBox error={counts.error} /> : null}
          {counts.value ? (
            <div className="stat-row">
              {ALL_STATUSES.map((s) => (
                <button
                  key={s}
                  type="button"
                  className="stat"
                  onClick={() => {
                    usePins.getState().setFilter({ status: [s] })
                    go('pins')
                  }}
                >
                  <span className="stat-num" data-count={s}>
                    {counts.value?.[s]}
                  </span>
                  <Badge state={s} />
                </button>
              ))}
            </div>
          ) : counts.loading ? (
            <Spinner />
          ) : null}
        </section>
      </div>

      <section className="card" aria-label="Node">
        <header className="card-head">
          <h2>Node</h2>
          {status.value ? <Badge state={status.value.healthy ? 'ok' : 'degraded'} /> : null}
        </header>
        {status.error ? <ErrorBox error={status.error} /> : null}
        {status.loading && !status.value ? <Spinner /> : null}
        {status.value ? (
          <dl className="facts">
            <dt>Tack</dt>
            <dd>{status.value.version}</dd>
            <dt>Kubo</dt>
            <dd>{status.value.kubo.version ?? '—'}</dd>
            <dt>Peer ID</dt>
            <dd>
              {status.value.kubo.peerId ? (
                <span className="cid">
                  <code>{status.value.kubo.peerId}</code>
                  <CopyButton
                    text={status.value.kubo.peerId}
                    label="Copy peer ID"
                    what="Peer ID copied"
                    iconOnly
                    className="btn-ghost"
                  />
                </span>
              ) : (
                '—'
              )}
            </dd>
            <dt>Connected peers</dt>
            <dd>{status.value.kubo.peers ?? '—'}</dd>
            <dt>Components</dt>
            <dd className="components">
              {Object.entries(status.value.components).map(([name, c]) => (
                <span key={name} className="component" title={c.detail}>
                  {name} <Badge state={c.health} title={c.detail} />
                </span>
              ))}
            </dd>
            <dt>Addresses</dt>
            <dd>
              <details>
                <summary>
                  {status.value.kubo.addresses.length} address{status.value.kubo.addresses.length === 1 ? '' : 'es'}
                </summary>
                <ul className="addresses">
                  {status.value.kubo.addresses.map((a) => (
                    <li key={a}>
                      <code>{a}</code>
                    </li>
                  ))}
                </ul>
              </details>
            </dd>
          </dl>
        ) : null}
      </section>

      {isAdmin(session) ? <LanPanel /> : null}
      {isAdmin(session) ? <GatewayPanel /> : null}
      {isAdmin(session) ? <AccountsPanel /> : null}
      {isAdmin(session) ? <RemotesPanel /> : null}
    </div>
  )
}

function LanPanel() {
  const { settings, status, savingLan, setLan } = useDashboard()
  const on = settings.value?.lan ?? status.value?.lan?.enabled ?? false
  const urls = settings.value?.lanUrls ?? status.value?.lan?.urls ?? []
  return (
    <section className="card" aria-label="LAN sharing">
      <header className="card-head">
        <h2>Share on your network</h2>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={on}
            disabled={savingLan || (!settings.value && !settings.error)}
            onChange={(e) => void setLan(e.target.checked)}
            aria-label="LAN sharing"
          />
          <span className="switch-track" aria-hidden="true" />
          <span>{on ? 'On' : 'Off'}</span>
        </label>
      </header>
      <p className="muted">
        When on, the gateway (and only the gateway: never the API or your keys) answers on your local network, so a
        phone or another computer can open your files.
      </p>
      {settings.error ? <ErrorBox error={settings.error} compact /> : null}
      {on && urls.length > 0 ? (
        <>
          <div className="lan-urls">
            {urls.map((u) => (
              <div key={u} className="lan-url">
                <QrCode text={u} size={132} />
                <CopyButton text={u} label="Copy LAN address" what="LAN address copied" />
              </div>
            ))}
          </div>
          <p className="muted small">
            Scan a code with a phone on the same network: it shows that the phone reaches this computer and opens any
            CID you type there. A file’s own code is in its Share dialog.
          </p>
        </>
      ) : null}
      {on && urls.length === 0 && !savingLan ? (
        <p className="muted">Sharing is on, but no network address was reported yet.</p>
      ) : null}
    </section>
  )
}
