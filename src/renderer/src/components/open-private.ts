// The owner opening their own private file: the open gateway answers 404 for it (by design), so the click
// mints a signed link that expires in a few minutes and opens that. In a browser the new tab is opened
// during the click (after an await the popup blocker would stop it) and sent to the link once it exists.
import { toApiError } from '../api/errors'
import { api } from '../store/session'
import { useToasts } from '../store/toasts'

/** How long the owner's own viewing link lives. */
export const VIEW_LINK_SECONDS = 10 * 60

export async function openPrivate(cid: string, path?: string): Promise<void> {
  const tack = window.tack
  const tab = tack ? null : window.open('about:blank', '_blank')
  try {
    const link = await api().request<{ url: string }>('POST', `/api/files/${encodeURIComponent(cid)}/links`, {
      expiresIn: VIEW_LINK_SECONDS,
    })
    const url = new URL(api().absolute(link.url))
    if (path) url.pathname += '/' + path.split('/').map(encodeURIComponent).join('/')
    if (tack) return void (await tack.openLink(url.toString()))
    if (!tab) throw new Error('the browser blocked the new tab: allow pop-ups for this page')
    // The new tab gets no handle on this page.
    tab.opener = null
    tab.location.href = url.toString()
  } catch (err) {
    tab?.close()
    const e = toApiError(err)
    useToasts.getState().show(`Could not open it: ${e.details || e.reason}`, 'error')
  }
}
