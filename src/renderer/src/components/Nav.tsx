// The sidebar: the four pages (also on keys 1–4), whether live updates are flowing, and signing out (asked
// first while uploads run: signing out stops them).
import { useState } from 'react'
import { useSession } from '../store/session'
import { unfinished, useUploads } from '../store/uploads'
import { ConfirmDialog } from './ConfirmDialog'
import { Icon, type IconName } from './Icon'

export const PAGES = ['files', 'pins', 'developer', 'dashboard'] as const
export type Page = (typeof PAGES)[number]

const LABELS: Record<Page, [string, IconName]> = {
  files: ['Files', 'files'],
  pins: ['Pins', 'pin'],
  developer: ['Developer', 'code'],
  dashboard: ['Dashboard', 'gauge'],
}

export function Nav({ page }: { page: Page }) {
  const live = useSession((s) => s.live)
  const streamError = useSession((s) => s.streamError)
  const apiUp = useSession((s) => s.apiUp)
  const apiError = useSession((s) => s.apiError)
  const signOut = useSession((s) => s.signOut)
  const running = useUploads((s) => unfinished(s.items))
  const [asking, setAsking] = useState<number | undefined>(undefined)
  const leave = () => {
    useUploads.getState().cancelAll()
    void signOut()
  }
  return (
    <aside className="sidebar">
      <nav className="nav" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="pin" size={18} />
          </span>
          Tack
        </div>
        <ul>
          {PAGES.map((p, i) => (
            <li key={p}>
              <a href={`#/${p}`} aria-current={p === page ? 'page' : undefined}>
                <Icon name={LABELS[p][1]} />
                <span>{LABELS[p][0]}</span>
                <kbd aria-hidden="true">{i + 1}</kbd>
              </a>
            </li>
          ))}
        </ul>
        <LiveDot live={live} streamError={streamError} apiUp={apiUp} apiError={apiError} />
        <button
          type="button"
          className="btn btn-ghost sign-out"
          onClick={() => (running > 0 ? setAsking(running) : leave())}
        >
          Sign out
        </button>
      </nav>
      <ConfirmDialog
        item={asking}
        title="Sign out while uploading?"
        confirm="Stop uploads and sign out"
        keep="Keep uploading"
        onConfirm={leave}
        onCancel={() => setAsking(undefined)}
      >
        {(n) =>
          `${n === 1 ? 'An upload is' : `${n} uploads are`} still running. Signing out stops ${n === 1 ? 'it' : 'them'}, and what was not finished is not kept.`
        }
      </ConfirmDialog>
    </aside>
  )
}

/** Green only while both the event stream and the API answer; red when either is down, with why. */
function LiveDot({
  live,
  streamError,
  apiUp,
  apiError,
}: {
  live: boolean
  streamError?: string
  apiUp?: boolean
  apiError?: string
}) {
  const down = apiUp === false || (!live && streamError !== undefined)
  const state = live && apiUp ? 'on' : down ? 'down' : 'connecting'
  const why =
    apiUp === false
      ? `Tack's API does not answer${apiError ? `: ${apiError}` : ''}`
      : !live && streamError
        ? `Live updates dropped (${streamError}); reconnecting`
        : state === 'on'
          ? 'Live updates are on and the API answers'
          : 'Connecting…'
  return (
    <div className={`live ${state}`} data-live={state} title={why} role="status">
      <span className="dot" aria-hidden="true" />{' '}
      {state === 'on' ? 'Live' : state === 'down' ? 'Offline' : 'Connecting'}
      <span className="sr-only">: {why}</span>
    </div>
  )
}
