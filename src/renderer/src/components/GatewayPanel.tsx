// The public gateway the Share dialog builds links with (the `gatewayTemplate` setting): a URL with {cid}
// where the CID goes. The server checks it; its reason shows beside the field, in the field's own name, and
// goes with the next edit.
import { useEffect, useId, useState, type FormEvent } from 'react'
import { toApiError } from '../api/errors'
import { useDashboard } from '../store/dashboard'

export const DEFAULT_TEMPLATE = 'https://{cid}.ipfs.dweb.link'

/** The server's reason without its place in the body ("body.gatewayTemplate: must contain {cid}…"). */
export function templateError(details: string): string {
  return details.replace(/^body(\.gatewayTemplate)?:\s*/, '')
}

export function GatewayPanel() {
  const settings = useDashboard((s) => s.settings)
  const save = useDashboard((s) => s.saveGatewayTemplate)
  const saved = settings.value?.gatewayTemplate ?? DEFAULT_TEMPLATE
  const [text, setText] = useState(saved)
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const ids = { input: useId(), error: useId(), hint: useId() }
  useEffect(() => setText(saved), [saved])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await save(text.trim())
    } catch (err) {
      const e2 = toApiError(err)
      setError(templateError(e2.details || e2.summary))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="card" aria-label="Public gateway">
      <header className="card-head">
        <h2>Public gateway</h2>
      </header>
      <form className="gateway-form" onSubmit={(e) => void submit(e)} onInput={() => setError(undefined)} noValidate>
        <label htmlFor={ids.input}>Public gateway link</label>
        <div className="row">
          <input
            id={ids.input}
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={Boolean(error)}
            aria-describedby={`${ids.error} ${ids.hint}`}
          />
          <button type="submit" className="btn" disabled={busy || text.trim() === saved}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
        <p id={ids.error} className="field-error" role="alert">
          {error ? `Public gateway link: ${error}` : ''}
        </p>
        <p id={ids.hint} className="muted small">
          Share links for public files on IPFS go through this gateway; <code>{'{cid}'}</code> is replaced by the file’s
          CID. The default, <code>{DEFAULT_TEMPLATE}</code>, gives every file its own origin.
        </p>
      </form>
    </section>
  )
}
