// A state as a coloured word: stored, pinning, pinned, failed, queued, and the health of a component.
export function Badge({ state, title }: { state: string; title?: string }) {
  return (
    <span className={`badge badge-${state}`} title={title} data-state={state}>
      {state === 'pinning' || state === 'queued' || state === 'starting' ? (
        <span className="pulse" aria-hidden="true" />
      ) : null}
      {state}
    </span>
  )
}
