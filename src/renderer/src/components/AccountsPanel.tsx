// Admin only: every account with its usage and quota; quotas are edited in place (empty = unlimited), in
// the unit the admin picks (MiB or GiB). Input is checked before it is sent; a refusal shows next to its field.
import { useEffect, useId, useState, type FormEvent } from 'react'
import { toApiError, type ApiError } from '../api/errors'
import { formatBytes } from '../api/format'
import { parseQuota, QUOTA_UNITS, quotaText, quotaWarning, type QuotaUnit } from '../api/quota'
import type { Account } from '../api/types'
import { useDashboard } from '../store/dashboard'
import { ErrorBox, Spinner } from './States'

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** An account name the server accepts, or why not (checked again there). */
export function nameProblem(name: string): string | undefined {
  if (!name.trim()) return undefined
  return NAME.test(name.trim())
    ? undefined
    : 'Use letters, digits, dot, dash or underscore (up to 64), starting with a letter or digit.'
}

function UnitPicker({ value, onChange, label }: { value: QuotaUnit; onChange(u: QuotaUnit): void; label: string }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value as QuotaUnit)} aria-label={label}>
      {Object.keys(QUOTA_UNITS).map((u) => (
        <option key={u} value={u}>
          {u}
        </option>
      ))}
    </select>
  )
}

export function AccountsPanel() {
  const accounts = useDashboard((s) => s.accounts)
  const createAccount = useDashboard((s) => s.createAccount)
  const [name, setName] = useState('')
  const [quota, setQuota] = useState('1')
  const [unit, setUnit] = useState<QuotaUnit>('GiB')
  const [touched, setTouched] = useState(false)
  const [error, setError] = useState<ApiError>()
  const ids = { name: useId(), quota: useId() }
  const parsed = parseQuota(quota, unit)
  const badName = nameProblem(name)
  const quotaProblem = parsed.ok ? undefined : parsed.error

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    setError(undefined)
    if (!parsed.ok || badName || !name.trim()) return
    try {
      await createAccount(name.trim(), parsed.bytes)
      setName('')
      setTouched(false)
    } catch (err) {
      setError(toApiError(err))
    }
  }
  const serverSays = error ? error.details || error.reason : undefined
  const serverField = serverSays && /quota/i.test(serverSays) ? 'quota' : 'name'

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
              <th scope="col">Quota</th>
            </tr>
          </thead>
          <tbody>
            {accounts.value.map((a) => (
              <AccountRow key={a.id} account={a} />
            ))}
          </tbody>
        </table>
      ) : null}
      {/* A server's refusal is about what was sent: it goes with the next edit. */}
      <form className="inline-form" onSubmit={(e) => void submit(e)} onInput={() => setError(undefined)} noValidate>
        <div className="field">
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="New account name"
            aria-label="New account name"
            aria-invalid={Boolean(badName || (serverSays && serverField === 'name'))}
            aria-describedby={ids.name}
          />
          <p id={ids.name} className="field-error" role="alert">
            {badName ?? (serverField === 'name' ? serverSays : undefined)}
          </p>
        </div>
        <div className="field">
          <span className="inline">
            <input
              value={quota}
              onChange={(e) => setQuota(e.target.value)}
              onBlur={() => setTouched(true)}
              inputMode="decimal"
              aria-label={`Quota in ${unit} (empty: no limit)`}
              aria-invalid={Boolean((touched && quotaProblem) || (serverSays && serverField === 'quota'))}
              aria-describedby={ids.quota}
              className="narrow"
              name="quota"
            />
            <UnitPicker value={unit} onChange={setUnit} label="Quota unit" />
          </span>
          <p id={ids.quota} className="field-error" role="alert">
            {touched && quotaProblem ? quotaProblem : serverField === 'quota' ? serverSays : undefined}
          </p>
          {parsed.ok && quotaWarning(parsed.bytes) ? (
            <p className="field-warning" role="status">
              {quotaWarning(parsed.bytes)}
            </p>
          ) : null}
        </div>
        <button type="submit" className="btn" disabled={!name.trim()}>
          Add account
        </button>
      </form>
    </section>
  )
}

function AccountRow({ account: a }: { account: Account }) {
  const setQuota = useDashboard((s) => s.setQuota)
  const initial = quotaText(a.quota)
  const [text, setText] = useState(initial.text)
  const [unit, setUnit] = useState<QuotaUnit>(initial.unit)
  const [error, setError] = useState<string>()
  const errorId = useId()
  // The quota changed on the server (saved here, or elsewhere and refreshed): the field shows it.
  useEffect(() => {
    const now = quotaText(a.quota)
    setText(now.text)
    setUnit(now.unit)
  }, [a.quota])
  const parsed = parseQuota(text, unit)
  const changed = parsed.ok && parsed.bytes !== a.quota
  const problem = parsed.ok ? error : parsed.error
  return (
    <tr>
      <td>
        {a.name} {a.owner ? <span className="muted small">owner</span> : null}
      </td>
      <td>{formatBytes(a.usage)}</td>
      <td>
        <form
          className="inline-form tight"
          noValidate
          onInput={() => setError(undefined)}
          onSubmit={(e) => {
            e.preventDefault()
            if (!parsed.ok || !changed) return
            setError(undefined)
            setQuota(a.id, parsed.bytes).catch((err: unknown) => {
              const e2 = toApiError(err)
              setError(e2.details || e2.reason)
            })
          }}
        >
          <input
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="unlimited"
            inputMode="decimal"
            aria-label={`Quota of ${a.name} in ${unit}`}
            aria-invalid={Boolean(problem)}
            aria-describedby={errorId}
            className="narrow"
          />
          <UnitPicker value={unit} onChange={setUnit} label={`Quota unit for ${a.name}`} />
          {changed ? (
            <button type="submit" className="btn btn-small">
              Save
            </button>
          ) : null}
          <p id={errorId} className="field-error" role="alert">
            {problem}
          </p>
          {parsed.ok && !problem && quotaWarning(parsed.bytes) ? (
            <p className="field-warning" role="status">
              {quotaWarning(parsed.bytes)}
            </p>
          ) : null}
        </form>
      </td>
    </tr>
  )
}
