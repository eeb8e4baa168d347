// The browser session's cookie: one half of its credential, the page token being the other (index.ts).
// HttpOnly (page scripts never see it), SameSite=Strict (never sent on a request another site starts), Path=/
// (the UI and the API). No Secure: Tack speaks plain http on loopback, where a Secure cookie would not be
// stored. No Max-Age: the browser drops it when it closes, and the server ends an idle session anyway.
export const SESSION_COOKIE = 'tack_session'

const ATTRIBUTES = 'HttpOnly; SameSite=Strict; Path=/'

export function sessionCookie(secret: string): string {
  return `${SESSION_COOKIE}=${secret}; ${ATTRIBUTES}`
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; ${ATTRIBUTES}; Max-Age=0`
}

/**
 * The session secrets in a Cookie header. Cookies are not isolated by port, so another local site could set
 * a second `tack_session` (a longer Path comes first): the caller tries each.
 */
export function sessionsFromCookie(header: string | undefined): string[] {
  if (!header) return []
  const found: string[] = []
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue
    const value = part.slice(eq + 1).trim()
    if (value) found.push(value)
  }
  return found
}
