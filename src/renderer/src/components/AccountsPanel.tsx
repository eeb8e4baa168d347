// Admin only: every account with its usage and quota; quotas are edited in place (empty = unlimited).
import { useState, type FormEvent } from 'react'
import { toApiError, type ApiError } from '../api/errors'
import { formatBytes } from '../api/format'
import type { Account } from '../api/types'
import { useDashboard } from '../store/dashboard'
import { ErrorBox, Spinner } from './States'

const GB = 1e9

/** "5" → 5 GB in bytes; "" → null (no quota); anything else → NaN. */
export function parseQuota(text: string): number | null {
  const t = text.trim()
  if (!t) return null
  const n = Number(t)
  return Number.isFinite(n) && n >= 0 ? Math.round(n * GB) : NaN
}

export function AccountsPanel() {
  const accounts = useDashboard((s) => s.accounts)
  const createAccount = useDashboard((s) => s.createAccount)
  const [name, setName] = useState('')
  const [quota, setQuota] = useState('1')
  const [error, setError] = useState<ApiError>()

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(undefined)
    try {
      const q = parseQuota(quota)
      await createAccount(name.trim(), Number.isNaN(q) ? null : q)
      setName('')
    } catch (err) {
      setError(toApiError(err))
    }
  }

  return (
    <section className="card" aria-label="Accounts">
      <header className="card-head">
        <h2>Accounts</h2>
      </header>
      {accounts.error ? <ErrorBox error={accounts.error} /> : null}
      {accounts.loading && !accounts.value ? <Spinner /> : null}
      {accounts.value ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Used</th>
              <th scope="col">Quota (GB)</th>
            </tr>
          </thead>
          <tbody>
            {accounts.value.map((a) => (
              <AccountRow key={a.id} account={a} />
            ))}
          </tbody>
        </table>
      ) : null}
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="New account name"
          required
          aria-label="New account name"
        />
        <input
          value={quota}
          onChange={(e) => setQuota(e.target.value)}
          inputMode="decimal"
          aria-label="Quota in GB"
          className="narrow"
        />
        <span className="muted small">GB</span>
        <button type="submit" className="btn" disabled={!name.trim()}>
          Add account
        </button>
      </form>
      {error ? <ErrorBox error={error} compact /> : null}
    </section>
  )
}

function AccountRow({ account: a }: { account: Account }) {
  const setQuota = useDashboard((s) => s.setQuota)
  const [text, setText] = useState(a.quota === null ? '' : String(a.quota / GB))
  const parsed = parseQuota(text)
  const changed = parsed !== a.quota && !Number.isNaN(parsed)
  return (
    <tr>
      <td>
        {a.name} {a.owner ? <span className="muted small">owner</span> : null}
      </td>
      <td>{formatBytes(a.usage)}</td>
      <td>
        <form
          className="inline-form tight"
          onSubmit={(e) => {
            e.preventDefault()
            if (changed) void setQuota(a.id, parsed)
          }}
        >
          <input
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="unlimited"
            inputMode="decimal"
            aria-label={`Quota of ${a.name} in GB`}
            aria-invalid={Number.isNaN(parsed)}
            className="narrow"
          />
          {changed ? (
            <button type="submit" className="btn btn-small">
              Save
            </button>
          ) : null}
        </form>
      </td>
    </tr>
  )
}
