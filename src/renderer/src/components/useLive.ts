// Keeps the event stream open while signed in, and hands each event to the store it concerns. In the
// desktop app, uploads that the shell made (dock, tray, native dialog) refresh the files list too.
import { useEffect } from 'react'
import { openEventStream } from '../api/events'
import { useFiles } from '../store/files'
import { usePins } from '../store/pins'
import { useSession } from '../store/session'

export function useLive(): void {
  const api = useSession((s) => s.api)
  useEffect(() => {
    if (!api) return
    const close = openEventStream({
      base: api.base,
      token: api.token,
      onEvent(e) {
        if (e.type === 'pin') usePins.getState().applyEvent(e)
        else if (e.type === 'file') useFiles.getState().applyEvent(e)
      },
      onState: (connected) => useSession.getState().setLive(connected),
    })
    const offUpload = window.tack?.onUpload((e) => {
      if (e.status === 'done') void useFiles.getState().load()
    })
    const offStatus = window.tack?.onStatus((e) => {
      // The core restarted (a LAN toggle does that): its port, and so the connection, may have changed.
      if (e.state === 'running') void useSession.getState().connect()
    })
    return () => {
      close()
      offUpload?.()
      offStatus?.()
    }
  }, [api])
}
