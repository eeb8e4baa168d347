// The shell: sign-in state, the sidebar, one page at a time (hash routes, so the same build works from
// `tack serve` and from the desktop app's app:// origin), drops anywhere, toasts, keyboard shortcuts.
import { useEffect, useState } from 'react'
import { DropOverlay } from './components/DropOverlay'
import { Nav, PAGES, type Page } from './components/Nav'
import { ErrorBox, Spinner } from './components/States'
import { Toasts } from './components/Toasts'
import { useLive } from './components/useLive'
import { DashboardPage } from './pages/DashboardPage'
import { DeveloperPage } from './pages/DeveloperPage'
import { FilesPage, isTyping } from './pages/FilesPage'
import { PinsPage } from './pages/PinsPage'
import { useSession } from './store/session'

const pageFromHash = (): Page => {
  const p = window.location.hash.replace(/^#\/?/, '')
  return (PAGES as readonly string[]).includes(p) ? (p as Page) : 'files'
}

export function App() {
  const { phase, error, connect } = useSession()
  const [page, setPage] = useState<Page>(pageFromHash)

  useEffect(() => {
    void connect().then(() => setPage(pageFromHash()))
  }, [connect])
  useEffect(() => {
    const onHash = () => setPage(pageFromHash())
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e) || document.querySelector('dialog[open]')) return
      const n = Number(e.key)
      if (n >= 1 && n <= PAGES.length) window.location.hash = `#/${PAGES[n - 1]}`
      if (e.key === '/') {
        const search = document.querySelector<HTMLInputElement>('[data-search]')
        if (search) {
          e.preventDefault()
          search.focus()
        }
      }
    }
    window.addEventListener('hashchange', onHash)
    window.addEventListener('keydown', onKey)
    return () => {
      window.removeEventListener('hashchange', onHash)
      window.removeEventListener('keydown', onKey)
    }
  }, [])
  useLive()

  useEffect(() => {
    const titles: Record<Page, string> = {
      files: 'Files',
      pins: 'Pins',
      developer: 'Developer',
      dashboard: 'Dashboard',
    }
    document.title = `${titles[page]} · Tack`
  }, [page])

  if (phase === 'connecting')
    return (
      <div className="center-screen">
        <Spinner label="Connecting to Tack…" />
      </div>
    )
  if (phase === 'signed-out') return <SignedOut />
  if (phase === 'error' && error)
    return (
      <div className="center-screen">
        <div className="card narrow-card">
          <h1>Tack cannot be reached</h1>
          <ErrorBox error={error} onRetry={() => void connect()} />
        </div>
      </div>
    )

  return (
    <div className="app">
      <Nav page={page} />
      <main className="main" id="main">
        {page === 'files' ? <FilesPage /> : null}
        {page === 'pins' ? <PinsPage /> : null}
        {page === 'developer' ? <DeveloperPage /> : null}
        {page === 'dashboard' ? <DashboardPage go={(p) => (window.location.hash = `#/${p}`)} /> : null}
      </main>
      <DropOverlay onDropped={() => (window.location.hash = '#/files')} />
      <Toasts />
    </div>
  )
}

function SignedOut() {
  return (
    <div className="center-screen">
      <div className="card narrow-card">
        <h1>Sign in to Tack</h1>
        <p>
          Open the login link that <code>tack serve</code> printed when it started. It looks like{' '}
          <code>http://127.0.0.1:7575/#token=…</code>.
        </p>
        <p className="muted">
          The session lasts while this tab is open; open the link again after closing it. The link changes each time
          Tack starts.
        </p>
      </div>
    </div>
  )
}
