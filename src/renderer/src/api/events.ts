// Live updates from `GET /api/events` (server-sent events), read with fetch streaming so the session's
// credential headers go like everywhere else (EventSource cannot send headers). Reconnects with backoff.
import type { LiveEvent } from './types'

export interface EventStreamInit {
  base: string
  /** The session's credential headers (api.authHeaders). */
  headers: Record<string, string>
  onEvent(event: LiveEvent): void
  /** connected: true once the stream is open, false when it drops (the UI then shows it is not live). */
  onState?(connected: boolean, error?: string): void
}

export function openEventStream(init: EventStreamInit): () => void {
  const controller = new AbortController()
  let delay = 1000
  const loop = async () => {
    while (!controller.signal.aborted) {
      try {
        const res = await fetch(`${init.base}/api/events`, {
          headers: { accept: 'text/event-stream', ...init.headers },
          signal: controller.signal,
        })
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`)
        init.onState?.(true)
        delay = 1000
        await readSse(res.body, init.onEvent)
        init.onState?.(false, 'the event stream ended')
      } catch (err) {
        if (controller.signal.aborted) return
        init.onState?.(false, err instanceof Error ? err.message : String(err))
      }
      await new Promise((r) => setTimeout(r, delay))
      delay = Math.min(delay * 2, 30_000)
    }
  }
  void loop()
  return () => controller.abort()
}

/** Parses an SSE byte stream; each event's `data:` lines joined are one JSON value. */
export async function readSse(body: ReadableStream<Uint8Array>, onEvent: (e: LiveEvent) => void): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    let end: number
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '')
      const data = block
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n')
      if (!data) continue
      try {
        onEvent(JSON.parse(data) as LiveEvent)
      } catch {
        // a malformed event is skipped, not fatal
      }
    }
  }
}
