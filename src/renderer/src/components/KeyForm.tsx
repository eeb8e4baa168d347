// Creating an API key: a name and its scopes. Scopes are explained in words, since that is what people pick by.
// New keys start with what the Developer page's commands need (pins and files, read and write), not admin.
import { useState, type FormEvent } from 'react'
import { toApiError, type ApiError } from '../api/errors'
import { SCOPES, type Scope } from '../api/types'
import { useKeys } from '../store/keys'
import { useSession } from '../store/session'
import { ErrorBox } from './States'

const SCOPE_TEXT: Record<Scope, string> = {
  'pins:read': 'list pins',
  'pins:write': 'add and remove pins',
  'files:read': 'list files',
  'files:write': 'upload and delete files',
  admin: 'manage keys, accounts and settings',
}

export function KeyForm() {
  const create = useKeys((s) => s.create)
  const accounts = useKeys((s) => s.accounts)
  const me = useSession((s) => s.me)
  // The account the key is for: the owner's own unless picked otherwise.
  const [account, setAccount] = useState('')
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<Scope[]>(['pins:read', 'pins:write', 'files:read', 'files:write'])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await create(name.trim(), scopes, account || undefined)
      setName('')
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    // A server's refusal is about what was sent: it goes with the next edit.
    <form className="form key-form" onSubmit={(e) => void submit(e)} onInput={() => setError(undefined)}>
      <label>
        Key name
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. laptop kubo"
          required
          maxLength={100}
          name="key-name"
        />
      </label>
      {accounts.length > 1 ? (
        <label>
          For account
          <select value={account || me?.name || ''} onChange={(e) => setAccount(e.target.value)} name="key-account">
            {accounts.map((a) => (
              <option key={a.id} value={a.name}>
                {a.name}
                {a.id === me?.id ? ' (you)' : ''}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <fieldset className="scopes">
        <legend>Scopes</legend>
        {SCOPES.map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              checked={scopes.includes(s)}
              onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
              name={s}
            />
            <code>{s}</code> <span className="muted">{SCOPE_TEXT[s]}</span>
          </label>
        ))}
      </fieldset>
      {error ? <ErrorBox error={error} compact /> : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !name.trim() || scopes.length === 0}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  )
}
