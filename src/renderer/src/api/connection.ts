// Signing in. Every way in starts with a one-time login token, exchanged at `POST /api/session`:
// - Browser (`tack serve`): the token arrives in the login link's fragment (`#token=...`; a fragment never
//   reaches a server or a Referer header). It is taken out of the address bar at once; the exchange sets an
//   HttpOnly cookie that this page never sees, and answers with a page token that every request sends as
//   X-Tack-Session. The cookie alone opens nothing: cookies are not separated by port, so any other server on
//   127.0.0.1 receives it. The page token is kept in sessionStorage, which is per origin (so per port) and
//   per tab, and survives a reload of this tab: a reload stays signed in, another local server never sees it.
// - Desktop: the shell mints a token for each getConnection. The window (origin app://tack) calls the API
//   cross-origin, where the SameSite=Strict cookie is never sent, so the exchange answers it with the session
//   secret instead; it is kept in memory only (never in storage) and sent as a Bearer token.
import { failureFrom, toApiError } from './errors'

export interface ApiConnection {
  apiUrl: string
  /** The session secret to send as a Bearer token (desktop); none in a browser, where the cookie goes. */
  secret?: string
  /** A browser's page token, sent as X-Tack-Session beside the cookie. */
  pageToken?: string
}

/** The header the page token goes in (the server's PAGE_TOKEN_HEADER). */
export const PAGE_TOKEN_HEADER = 'x-tack-session'
const PAGE_TOKEN_KEY = 'tack.pageToken'

/** The headers that carry a connection's credential (the browser's cookie goes by itself). */
export function authHeaders(connection: ApiConnection): Record<string, string> {
  if (connection.secret) return { authorization: `Bearer ${connection.secret}` }
  if (connection.pageToken) return { [PAGE_TOKEN_HEADER]: connection.pageToken }
  return {}
}

/** This tab's page token from an earlier sign-in (kept across reloads), if any. */
export function storedPageToken(win: Window = window): string | undefined {
  return win.sessionStorage.getItem(PAGE_TOKEN_KEY) ?? undefined
}

/** Keeps (or with undefined, forgets) this tab's page token. */
export function storePageToken(token: string | undefined, win: Window = window): void {
  if (token) win.sessionStorage.setItem(PAGE_TOKEN_KEY, token)
  else win.sessionStorage.removeItem(PAGE_TOKEN_KEY)
}

/** The one-time token of a login link in the address bar, if any; the fragment is removed from the bar. */
export function takeLoginToken(win: Window = window): string | undefined {
  const match = win.location.hash.match(/^#token=([^&]+)/)
  if (!match) return undefined
  win.history.replaceState(null, '', win.location.pathname + win.location.search + '#/files')
  try {
    return decodeURIComponent(match[1]!)
  } catch {
    return match[1]!
  }
}

/** Redeems a login token; a used or expired one rejects with an ApiError whose reason is UNAUTHORIZED. */
export async function redeemLoginToken(apiUrl: string, token: string): Promise<ApiConnection> {
  let res: Response
  try {
    res = await fetch(`${apiUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    })
  } catch (err) {
    throw toApiError(err)
  }
  const text = await res.text()
  if (!res.ok) throw failureFrom(res.status, text)
  const body = JSON.parse(text) as { secret?: unknown; pageToken?: unknown }
  return {
    apiUrl,
    secret: typeof body.secret === 'string' ? body.secret : undefined,
    pageToken: typeof body.pageToken === 'string' ? body.pageToken : undefined,
  }
}

/** The desktop shell's hand-off: the API's URL and a fresh one-time login token. */
export async function desktopHandOff(win: Window = window): Promise<{ apiUrl: string; token: string }> {
  const result = await win.tack!.getConnection()
  if (result.ok) return result.value
  throw new Error(result.error.message)
}
