// Opening a link outside the app: in the desktop app the shell opens it in the user's browser (the window
// itself never navigates away); in a browser the <a target=_blank> does it.
import type { MouseEvent } from 'react'

export function openExternal(e: MouseEvent, url: string): void {
  const tack = window.tack
  if (!tack) return
  e.preventDefault()
  void tack.openLink(url)
}
