// Keeps the event stream open while signed in, and hands each event to the store it concerns. In the
// desktop app, uploads that the shell made (dock, tray, native dialog) refresh the files list too.
// The "Live" dot is the truth about both halves: the stream and the API. A stream can stay open on a core
// whose API no longer answers, and an API can answer while the stream is down, so the API is asked
// (`GET /api/status`) every HEALTH_MS and at once whenever the stream drops. A health check refused as
// UNAUTHORIZED means the session is gone (signed out elsewhere, or its account's key revoked): sign out.
import { useEffect } from 'react'
import { toApiError } from '../api/errors'
import { openEventStream } from '../api/events'
import { useFiles } from '../store/files'
import { usePins } from '../store/pins'
import { useSession } from '../store/session'

export const HEALTH_MS = 5000

export function useLive(): void {
  const api = useSession((s) => s.api)
  useEffect(() => {
    if (!api) return
    let stopped = false
    const check = async () => {
      try {
        await api.status()
        if (!stopped) useSession.getState().setApi(true)
      } catch (err) {
        if (stopped) return
        const e = toApiError(err)
        if (e.reason === 'UNAUTHORIZED') return void useSession.getState().signOut()
        useSession.getState().setApi(false, e.details || e.summary)
      }
    }
    void check()
    const timer = setInterval(() => void check(), HEALTH_MS)
    const close = openEventStream({
      base: api.base,
      headers: api.authHeaders,
      onEvent(e) {
        if (e.type === 'pin') usePins.getState().applyEvent(e)
        else if (e.type === 'file') useFiles.getState().applyEvent(e)
      },
      onState: (connected, error) => {
        useSession.getState().setLive(connected, error)
        if (!connected) void check()
      },
    })
    const offUpload = window.tack?.onUpload((e) => {
      if (e.status === 'done') void useFiles.getState().load()
    })
    const offStatus = window.tack?.onStatus((e) => {
      // The core restarted (a LAN toggle does that): its port, and so the connection, may have changed.
      if (e.state === 'running') void useSession.getState().connect()
    })
    return () => {
      stopped = true
      clearInterval(timer)
      close()
      offUpload?.()
      offStatus?.()
    }
  }, [api])
}
