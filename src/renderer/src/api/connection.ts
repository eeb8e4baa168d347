// Signing in. Every way in starts with a one-time login token, exchanged at `POST /api/session`:
// - Browser (`tack serve`): the token arrives in the login link's fragment (`#token=...`; a fragment never
//   reaches a server or a Referer header). It is taken out of the address bar at once; the exchange sets an
//   HttpOnly cookie that this page never sees and that every later request carries by itself.
// - Desktop: the shell mints a token for each getConnection. The window (origin app://tack) calls the API
//   cross-origin, where the SameSite=Strict cookie is never sent, so the exchange answers it with the session
//   secret instead; it is kept in memory only (never in storage) and sent as a Bearer token.
import { failureFrom, toApiError } from './errors'

export interface ApiConnection {
  apiUrl: string
  /** The session secret to send as a Bearer token (desktop); none in a browser, where the cookie goes. */
  secret?: string
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
  const body = JSON.parse(text) as { secret?: unknown }
  return { apiUrl, secret: typeof body.secret === 'string' ? body.secret : undefined }
}

/** The desktop shell's hand-off: the API's URL and a fresh one-time login token. */
export async function desktopHandOff(win: Window = window): Promise<{ apiUrl: string; token: string }> {
  const result = await win.tack!.getConnection()
  if (result.ok) return result.value
  throw new Error(result.error.message)
}
