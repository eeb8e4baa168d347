// "Pin from CID": a CID, an optional name, origins (multiaddrs that have the data) and meta (key=value).
import { useState, type FormEvent } from 'react'
import { ApiError, toApiError } from '../api/errors'
import { fieldWords } from '../api/pin-words'
import { usePins } from '../store/pins'
import { useToasts } from '../store/toasts'
import { ErrorBox } from './States'

export function parseMeta(text: string): Record<string, string> | string {
  const meta: Record<string, string> = {}
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const eq = line.indexOf('=')
    if (eq <= 0) return `“${line}” is not key=value`
    meta[line.slice(0, eq).trim()] = line.slice(eq + 1).trim()
  }
  return meta
}

export function PinForm({ onDone }: { onDone: () => void }) {
  const add = usePins((s) => s.add)
  const [cid, setCid] = useState('')
  const [name, setName] = useState('')
  const [origins, setOrigins] = useState('')
  const [meta, setMeta] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const [metaError, setMetaError] = useState<string>()

  // A server error is about what was sent: it goes once the user changes what they will send.
  const edit = (setter: (v: string) => void, value: string) => {
    setter(value)
    setError(undefined)
    setMetaError(undefined)
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const parsed = parseMeta(meta)
    if (typeof parsed === 'string') return setMetaError(parsed)
    setMetaError(undefined)
    setBusy(true)
    setError(undefined)
    try {
      const list = origins.split(/[\s,]+/).filter(Boolean)
      await add({
        cid: cid.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(list.length ? { origins: list } : {}),
        ...(Object.keys(parsed).length ? { meta: parsed } : {}),
      })
      useToasts.getState().show('Pin requested: Tack is fetching the content')
      onDone()
    } catch (err) {
      // The server names fields by their place in the body (pin.origins[0]); the form by their labels.
      const e = toApiError(err)
      setError(new ApiError(e.status, e.reason, fieldWords(e.details)))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <label>
        <span>
          CID <span className="req">required</span>
        </span>
        <input
          required
          autoFocus
          value={cid}
          onChange={(e) => edit(setCid, e.target.value)}
          placeholder="bafy… or Qm…"
          spellCheck={false}
          name="cid"
        />
      </label>
      <label>
        Name
        <input
          value={name}
          onChange={(e) => edit(setName, e.target.value)}
          placeholder="What this is, to find it later"
          maxLength={255}
          name="name"
        />
      </label>
      <label>
        Origins
        <textarea
          value={origins}
          onChange={(e) => edit(setOrigins, e.target.value)}
          rows={3}
          spellCheck={false}
          placeholder="/ip4/192.0.2.1/tcp/4001/p2p/12D3Koo… (one per line; nodes that have the data)"
          name="origins"
        />
      </label>
      <label>
        Meta
        <textarea
          value={meta}
          onChange={(e) => edit(setMeta, e.target.value)}
          rows={2}
          spellCheck={false}
          placeholder="app=photos (one key=value per line)"
          name="meta"
        />
        {metaError ? <span className="field-error">{metaError}</span> : null}
      </label>
      {error ? <ErrorBox error={error} compact /> : null}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || !cid.trim()}>
          {busy ? 'Pinning…' : 'Pin'}
        </button>
      </div>
    </form>
  )
}
