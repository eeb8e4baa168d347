// Developer: API keys for Kubo and scripts, and the commands that use them with this Tack's real URL.
import { useEffect, useState } from 'react'
import type { ApiKey, Scope } from '../api/types'
import { formatAgo } from '../api/format'
import { CopyButton } from '../components/CopyButton'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { Icon } from '../components/Icon'
import { KeyForm } from '../components/KeyForm'
import { Empty, ErrorBox, Spinner } from '../components/States'
import { useKeys } from '../store/keys'
import { commandsFor } from './commands'
import { api, isAdmin, useSession } from '../store/session'

export function DeveloperPage() {
  const { keys, loading, loaded, error, created, load, revoke, forgetSecret } = useKeys()
  const me = useSession((s) => s.me)
  const [revoking, setRevoking] = useState<ApiKey>()
  useEffect(() => {
    void load()
  }, [load])
  const live = keys.filter((k) => !k.revoked)
  const revoked = keys.filter((k) => k.revoked)
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
          </header>
          {error ? <ErrorBox error={error} onRetry={() => void load()} /> : null}
          {!loaded && loading ? <Spinner label="Loading keys…" /> : null}
          {loaded && !error && live.length === 0 ? (
            <Empty icon="key" title="No keys yet">
              {isAdmin(me) ? 'Create one to point Kubo at Tack.' : 'An admin can create keys for your account.'}
            </Empty>
          ) : null}
          {live.length > 0 ? (
            <ul className="key-list">
              {live.map((k) => (
                <li key={k.id} data-key-id={k.id}>
                  <div>
                    <strong>{k.name}</strong> <span className="muted small">{k.id}</span>
                    <div className="scope-list">
                      {k.scopes.map((s) => (
                        <code key={s} className="scope">
                          {s}
                        </code>
                      ))}
                    </div>
                    <span className="muted small">
                      created {formatAgo(k.created)} · last used {formatAgo(k.lastUsed)}
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
                      <s>{k.name}</s> · revoked {formatAgo(k.revoked)}
                    </span>
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </section>

        {isAdmin(me) ? (
          <section className="card">
            <header className="card-head">
              <h2>New key</h2>
            </header>
            <KeyForm />
          </section>
        ) : null}
      </div>

      <Commands url={api().base} secret={secret} scopes={created?.scopes} />

      <ConfirmDialog
        item={revoking}
        title="Revoke this key?"
        confirm="Revoke"
        onConfirm={(k) => void revoke(k.id)}
        onCancel={() => setRevoking(undefined)}
      >
        {(k) => (
          <>
            Anything using <strong>{k.name}</strong> gets “401 Unauthorized” from now on. This cannot be undone.
          </>
        )}
      </ConfirmDialog>
    </div>
  )
}

function Commands({ url, secret, scopes }: { url: string; secret: string; scopes?: Scope[] }) {
  const commands = commandsFor(url, secret, scopes)
  return (
    <section className="card" aria-label="Commands">
      <header className="card-head">
        <h2>Use it from the command line</h2>
      </header>
      <p className="muted">
        {scopes ? 'These include the key you just created.' : 'Replace <KEY> with a key secret (create one above).'}
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
