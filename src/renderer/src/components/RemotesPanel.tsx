// Admin only: the IPFS Clusters and Pinning Service API endpoints this Tack forwards pins to, with how
// many pins stand in each state there, whether the target answers (since when it does not, as the server saw
// it, and why), and a confirmed removal. A target's secret is sent once and never shown again.
import { useState, type FormEvent } from 'react'
import { toApiError, type ApiError } from '../api/errors'
import type { NewRemote, Remote } from '../api/types'
import { useDashboard } from '../store/dashboard'
import { ConfirmDialog } from './ConfirmDialog'
import { ErrorBox, Spinner } from './States'
import { Time } from './Time'

const STATES = ['queued', 'pinning', 'pinned', 'failed', 'removing'] as const

export function RemotesPanel() {
  const remotes = useDashboard((s) => s.remotes)
  return (
    <section className="card" aria-label="Remote targets">
      <header className="card-head">
        <h2>Forward pins</h2>
      </header>
      <p className="muted">
        Hand every pin of this account to an IPFS Cluster or another pinning service as well. Local pinning never waits
        for them; each pin shows where it stands there.
      </p>
      {remotes.error ? <ErrorBox error={remotes.error} /> : null}
      {remotes.loading && !remotes.value ? <Spinner /> : null}
      {remotes.value?.length ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col">URL</th>
              <th scope="col">State</th>
              <th scope="col">Pins there</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {remotes.value.map((r) => (
              <RemoteRow key={r.id} remote={r} />
            ))}
          </tbody>
        </table>
      ) : remotes.value ? (
        <p className="muted small">No targets yet: pins stay on this machine only.</p>
      ) : null}
      <RemoteForm />
    </section>
  )
}

function RemoteRow({ remote: r }: { remote: Remote }) {
  const removeRemote = useDashboard((s) => s.removeRemote)
  const [confirming, setConfirming] = useState<Remote>()
  const counts = STATES.filter((s) => r.pins[s]).map((s) => `${r.pins[s]} ${s}`)
  const down = r.reachable === false
  return (
    <tr data-remote={r.name} data-reachable={String(!down)}>
      <td>
        {r.name} <span className="muted small">{r.kind === 'cluster' ? 'IPFS Cluster' : 'Pinning Service API'}</span>
      </td>
      <td>
        <code>{r.url}</code>
      </td>
      <td>
        <span className={`badge ${down ? 'badge-failed' : 'badge-ok'}`}>{down ? 'unreachable' : 'reachable'}</span>
        {down ? (
          <span className="remote-health down">
            {r.failingSince ? (
              <>
                {' '}since <Time iso={r.failingSince} />
              </>
            ) : null}
            {r.lastError ? `: ${r.lastError}` : ''}
          </span>
        ) : null}
      </td>
      <td>{counts.length ? counts.join(' · ') : <span className="muted">nothing yet</span>}</td>
      <td>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setConfirming(r)}
          aria-label={`Remove target ${r.name}`}
        >
          Remove
        </button>
        <ConfirmDialog
          item={confirming}
          title="Stop forwarding to this target?"
          confirm="Remove target"
          onConfirm={(t) => void removeRemote(t.name)}
          onCancel={() => setConfirming(undefined)}
        >
          {(t) => (
            <>
              Tack stops forwarding pins to <strong>{t.name}</strong> and forgets it. Pins already there stay there;
              local pins are not touched.
            </>
          )}
        </ConfirmDialog>
      </td>
    </tr>
  )
}

function RemoteForm() {
  const addRemote = useDashboard((s) => s.addRemote)
  const [draft, setDraft] = useState<NewRemote>({ name: '', kind: 'cluster', url: '', token: '', policy: 'accounts' })
  const [error, setError] = useState<ApiError>()
  const set = (patch: Partial<NewRemote>) => setDraft((d) => ({ ...d, ...patch }))

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(undefined)
    try {
      await addRemote({ ...draft, name: draft.name.trim(), token: draft.token?.trim() || undefined })
      setDraft({ name: '', kind: draft.kind, url: '', token: '', policy: 'accounts' })
    } catch (err) {
      setError(toApiError(err))
    }
  }

  return (
    <>
      {/* A server's refusal is about what was sent: it goes with the next edit. */}
      <form className="inline-form" onSubmit={(e) => void submit(e)} onInput={() => setError(undefined)}>
        <input
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
          placeholder="Name"
          required
          aria-label="Target name"
        />
        <select
          value={draft.kind}
          onChange={(e) => set({ kind: e.target.value as NewRemote['kind'] })}
          aria-label="Target kind"
        >
          <option value="cluster">IPFS Cluster</option>
          <option value="psa">Pinning Service API</option>
        </select>
        <input
          value={draft.url}
          onChange={(e) => set({ url: e.target.value })}
          placeholder={draft.kind === 'cluster' ? 'http://cluster:9094' : 'https://service/api/pinning'}
          required
          aria-label="Target URL"
        />
        <input
          value={draft.token}
          onChange={(e) => set({ token: e.target.value })}
          placeholder={draft.kind === 'cluster' ? 'Bearer token (optional)' : 'Access token'}
          type="password"
          autoComplete="off"
          aria-label="Target token"
        />
        <button type="submit" className="btn" disabled={!draft.name.trim() || !draft.url.trim()}>
          Add target
        </button>
      </form>
      {error ? <ErrorBox error={error} compact /> : null}
    </>
  )
}
