// While an upload runs, leaving the page (reload, closing the tab, typing another address) would drop it
// without a word: the browser asks first. The desktop shell turns the same refusal into its own dialog
// (will-prevent-unload in src/main/window.ts). The listener exists only while something is unfinished, so
// an idle page unloads freely (and stays eligible for the back/forward cache).
import { useEffect } from 'react'
import { unfinished, useUploads } from '../store/uploads'

export function useUnloadGuard(): void {
  const busy = useUploads((s) => unfinished(s.items) > 0)
  useEffect(() => {
    if (!busy) return
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault()
      // Older browsers ask only when returnValue is set.
      e.returnValue = ''
    }
    window.addEventListener('beforeunload', onBeforeUnload)
    return () => window.removeEventListener('beforeunload', onBeforeUnload)
  }, [busy])
}
