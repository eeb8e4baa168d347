// The shell: sign-in state, the sidebar, one page at a time (hash routes, so the same build works from
// `tack serve` and from the desktop app's app:// origin), drops anywhere, toasts, keyboard shortcuts.
import { useEffect, useState } from 'react'
import { DropOverlay } from './components/DropOverlay'
import { Nav, PAGES, type Page } from './components/Nav'
import { LinkUsed, SignedOut } from './components/SignIn'
import { ErrorBox, Spinner } from './components/States'
import { Toasts } from './components/Toasts'
import { useLive } from './components/useLive'
import { useUnloadGuard } from './components/useUnloadGuard'
import { DashboardPage } from './pages/DashboardPage'
import { DeveloperPage } from './pages/DeveloperPage'
import { FilesPage } from './pages/FilesPage'
import { isShortcutKey } from './components/shortcuts'
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
    const onHash = () => {
      // A fresh login link pasted into this tab's address bar: sign in with it, no reload needed.
      if (/^#token=/.test(window.location.hash)) void connect().then(() => setPage(pageFromHash()))
      else setPage(pageFromHash())
    }
    const onKey = (e: KeyboardEvent) => {
      if (!isShortcutKey(e) || document.querySelector('dialog[open]')) return
      const n = Number(e.key)
      if (n >= 1 && n <= PAGES.length) {
        // A focused select would also jump to an option starting with the digit.
        e.preventDefault()
        window.location.hash = `#/${PAGES[n - 1]}`
      }
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
  }, [connect])
  useLive()
  useUnloadGuard()

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
  if (phase === 'link-used') return <LinkUsed />
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
      {/* A plain #main link would be read as a page route (hash routing): this one moves the focus instead. */}
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault()
          document.getElementById('main')?.focus()
        }}
      >
        Skip to content
      </a>
      <Nav page={page} />
      <main className="main" id="main" tabIndex={-1}>
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
