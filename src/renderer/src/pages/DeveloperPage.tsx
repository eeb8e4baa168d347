// Developer: API keys for Kubo and scripts, and the commands that use them with this Tack's real URL.
// The owner (an admin) sees every account's keys, can narrow the list to one account and create a key for
// any account; others see their own keys and are told who can make one. Revoking the key whose secret this
// page shows (the one its commands use) says so first.
import { useEffect, useState } from 'react'
import type { ApiKey, Scope } from '../api/types'
import { CopyButton } from '../components/CopyButton'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { Icon } from '../components/Icon'
import { KeyForm } from '../components/KeyForm'
import { Empty, ErrorBox, Spinner } from '../components/States'
import { Time } from '../components/Time'
import { useKeys } from '../store/keys'
import { commandsFor } from './commands'
import { api, isAdmin, useSession } from '../store/session'

/** How often the open Developer page reads its keys again (their last use). */
export const KEYS_REFRESH_MS = 5000

export function DeveloperPage() {
  const { keys, accounts, loading, loaded, error, created, load, revoke, forgetSecret } = useKeys()
  const me = useSession((s) => s.me)
  const admin = isAdmin(me)
  const [revoking, setRevoking] = useState<ApiKey>()
  /** Whose keys the list shows (admins): an account id, or 'all'. */
  const [whose, setWhose] = useState<number | 'all'>('all')
  const accountName = (id: number) => accounts.find((a) => a.id === id)?.name ?? `account ${id}`
  useEffect(() => {
    void load()
  }, [load])
  // A key's last use changes when a client uses it, which sends no event: read it again while the page is
  // open, and at once when the window comes back into view.
  const refresh = useKeys((s) => s.refresh)
  useEffect(() => {
    const timer = setInterval(() => void refresh(), KEYS_REFRESH_MS)
    const onVisible = () => document.visibilityState === 'visible' && void refresh()
    document.addEventListener('visibilitychange', onVisible)
    return () => {
      clearInterval(timer)
      document.removeEventListener('visibilitychange', onVisible)
    }
  }, [refresh])
  const listed = keys.filter((k) => whose === 'all' || k.accountId === whose)
  const live = listed.filter((k) => !k.revoked)
  const revoked = listed.filter((k) => k.revoked)
  const secret = created?.secret ?? '<KEY>'

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Developer</h1>
          <p className="muted">Keys let your own Kubo, scripts and apps use this Tack.</p>
        </div>
      </header>

      {created ? (
        <section className="card secret-card" aria-label="New key">
          <header className="card-head">
            <h2>
              <Icon name="key" /> {created.name}: copy the secret now
            </h2>
            <button type="button" className="btn btn-ghost" onClick={forgetSecret}>
              Done
            </button>
          </header>
          <p className="muted">It is shown only this once; Tack keeps only a hash of it.</p>
          <div className="secret-row">
            <code className="secret" data-secret>
              {created.secret}
            </code>
            <CopyButton text={created.secret} label="Copy secret" what="Secret copied" className="btn-primary" />
          </div>
        </section>
      ) : null}

      <div className="grid-2">
        <section className="card">
          <header className="card-head">
            <h2>API keys</h2>
            {admin && accounts.length > 1 ? (
              <label className="inline">
                <span className="muted small">Keys of</span>
                <select
                  value={String(whose)}
                  onChange={(e) => setWhose(e.target.value === 'all' ? 'all' : Number(e.target.value))}
                >
                  <option value="all">every account</option>
                  {accounts.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
          </header>
          {error ? <ErrorBox error={error} onRetry={() => void load()} /> : null}
          {!loaded && loading ? <Spinner label="Loading keys…" /> : null}
          {loaded && !error && live.length === 0 ? (
            <Empty icon="key" title="No keys yet">
              {admin
                ? 'Create one with the New key form to point Kubo at Tack.'
                : 'Keys are made by the owner of this Tack: ask them for one for your account.'}
            </Empty>
          ) : null}
          {live.length > 0 ? (
            <ul className="key-list">
              {live.map((k) => (
                <li key={k.id} data-key-id={k.id}>
                  <div>
                    <strong>{k.name}</strong> <span className="muted small">{k.id}</span>
                    {admin ? (
                      <span className="account-tag" data-account={accountName(k.accountId)}>
                        {accountName(k.accountId)}
                      </span>
                    ) : null}
                    <div className="scope-list">
                      {k.scopes.map((s) => (
                        <code key={s} className="scope">
                          {s}
                        </code>
                      ))}
                    </div>
                    <span className="muted small">
                      created <Time iso={k.created} /> · last used <Time iso={k.lastUsed} />
                    </span>
                  </div>
                  <button
                    type="button"
                    className="btn btn-ghost danger"
                    onClick={() => setRevoking(k)}
                    aria-label={`Revoke ${k.name}`}
                  >
                    Revoke
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          {revoked.length > 0 ? (
            <details className="revoked">
              <summary>{revoked.length} revoked</summary>
              <ul className="key-list">
                {revoked.map((k) => (
                  <li key={k.id} className="muted">
                    <span>
                      <s>{k.name}</s>
                      {admin ? ` (${accountName(k.accountId)})` : ''} · revoked <Time iso={k.revoked} />
                    </span>
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </section>

        {admin ? (
          <section className="card">
            <header className="card-head">
              <h2>New key</h2>
            </header>
            <KeyForm />
          </section>
        ) : null}
      </div>

      <Commands url={api().base} secret={secret} scopes={created?.scopes} canCreate={admin} />

      <ConfirmDialog
        item={revoking}
        title={revoking && revoking.id === created?.id ? 'Revoke the key shown on this page?' : 'Revoke this key?'}
        confirm="Revoke"
        onConfirm={(k) => void revoke(k.id)}
        onCancel={() => setRevoking(undefined)}
      >
        {(k) => (
          <>
            {k.id === created?.id ? (
              <strong className="warn-text">
                This is the key whose secret is shown above: the commands on this page use it and will stop
                working.{' '}
              </strong>
            ) : null}
            Anything using <strong>{k.name}</strong>
            {admin && k.accountId !== me?.id ? ` (account ${accountName(k.accountId)})` : ''} gets “401 Unauthorized”
            from now on. This cannot be undone.
          </>
        )}
      </ConfirmDialog>
    </div>
  )
}

function Commands({
  url,
  secret,
  scopes,
  canCreate,
}: {
  url: string
  secret: string
  scopes?: Scope[]
  canCreate: boolean
}) {
  const commands = commandsFor(url, secret, scopes)
  return (
    <section className="card" aria-label="Commands">
      <header className="card-head">
        <h2>Use it from the command line</h2>
      </header>
      <p className="muted">
        {scopes
          ? 'These include the key you just created.'
          : canCreate
            ? 'Replace <KEY> with a key secret (create one with the New key form).'
            : 'Replace <KEY> with a key secret the owner of this Tack made for your account.'}
      </p>
      <ul className="commands">
        {commands.map((c) => (
          <li key={c.label} data-needs={c.needs}>
            <span className="small muted">
              {c.label} <span className="scope-needed">(needs {c.needs})</span>
            </span>
            <div className="command">
              <code>{c.text}</code>
              <CopyButton
                text={c.text}
                label={`Copy: ${c.label}`}
                what="Command copied"
                iconOnly
                className="btn-ghost"
              />
            </div>
            {c.missing ? (
              <p className="field-error" role="note">
                {c.missing}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  )
}
