// The sidebar: the four pages (also on keys 1–4), whether live updates are flowing, and signing out.
import { useSession } from '../store/session'
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
  const signOut = useSession((s) => s.signOut)
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
        <div
          className={`live ${live ? 'on' : ''}`}
          title={live ? 'Live updates are on' : 'Live updates are reconnecting'}
        >
          <span className="dot" aria-hidden="true" /> {live ? 'Live' : 'Offline'}
        </div>
        <button type="button" className="btn btn-ghost sign-out" onClick={() => void signOut()}>
          Sign out
        </button>
      </nav>
    </aside>
  )
}
