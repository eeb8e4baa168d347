// A state as a coloured word: stored, pinning, pinned, failed, queued, and the health of a component. `label`
// says it in other words (a file's "on IPFS"); data-state keeps the machine state.
export function Badge({ state, title, label }: { state: string; title?: string; label?: string }) {
  return (
    <span className={`badge badge-${state}`} title={title} data-state={state}>
      {state === 'pinning' || state === 'queued' || state === 'starting' ? (
        <span className="pulse" aria-hidden="true" />
      ) : null}
      {label ?? state}
    </span>
  )
}
