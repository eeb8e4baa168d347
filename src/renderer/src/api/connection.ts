// Where the core is and which token to send. Desktop: the preload's window.tack hands both over IPC.
// Browser (`tack serve`): the API is this page's origin, and the token arrives once in the login link's
// fragment (`#token=...`), which is then removed from the address bar and kept in sessionStorage (per tab,
// gone when the tab closes; a fragment never reaches a server or a Referer header).
import type { Connection } from '../../../shared/ipc'

const STORAGE_KEY = 'tack.token'

export async function resolveConnection(win: Window = window): Promise<Connection | undefined> {
  if (win.tack) {
    const result = await win.tack.getConnection()
    if (result.ok) return result.value
    throw new Error(result.error.message)
  }
  const token = takeTokenFromFragment(win) ?? win.sessionStorage.getItem(STORAGE_KEY) ?? undefined
  if (!token) return undefined
  return { apiUrl: win.location.origin, token }
}

function takeTokenFromFragment(win: Window): string | undefined {
  const match = win.location.hash.match(/^#token=([^&]+)/)
  if (!match) return undefined
  const token = decodeURIComponent(match[1]!)
  win.sessionStorage.setItem(STORAGE_KEY, token)
  win.history.replaceState(null, '', win.location.pathname + win.location.search + '#/files')
  return token
}

export function forgetToken(win: Window = window): void {
  win.sessionStorage.removeItem(STORAGE_KEY)
}
