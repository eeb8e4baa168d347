// Desktop notifications for finished and failed pins and uploads. Main listens to the core's live events
// (`GET /api/events`, server-sent events) like the renderer does, so notifications arrive while the window
// is closed. Written to tolerate an events route that is missing (404: retried slowly), payloads with
// unknown fields or statuses (ignored), and a core that restarts (reconnects with backoff).

export interface CoreEventPayload {
  type?: string
  /** Pins say `status` (PSA); files say `state`. */
  status?: string
  state?: string
  name?: string
  cid?: string
}

export interface Notice {
  title: string
  body: string
  ok: boolean
  cid?: string
}

// The states that end something the user waits for. A file is done once stored; its pinning is reported by
// the pin's own events, so a file's later `pinned` would only repeat that.
const DONE: Record<'pin' | 'file', ReadonlySet<string>> = {
  pin: new Set(['pinned']),
  file: new Set(['stored', 'done', 'uploaded', 'added']),
}
const FAILED = new Set(['failed', 'error'])

/** The notification an event deserves, if any: only terminal states of pins and files. */
export function noticeFor(payload: unknown, sseEvent?: string): Notice | undefined {
  if (!payload || typeof payload !== 'object') return undefined
  const p = payload as CoreEventPayload & { deleted?: unknown }
  const type = p.type ?? sseEvent
  const raw = p.status ?? p.state
  if ((type !== 'pin' && type !== 'file') || typeof raw !== 'string' || p.deleted) return undefined
  const status = raw.toLowerCase()
  const ok = DONE[type].has(status)
  if (!ok && !FAILED.has(status)) return undefined
  const what = typeof p.name === 'string' && p.name ? p.name : typeof p.cid === 'string' ? p.cid : 'unnamed'
  const title = type === 'pin' ? (ok ? 'Pinned' : 'Pin failed') : ok ? 'Uploaded' : 'Upload failed'
  return { title, body: what, ok, cid: typeof p.cid === 'string' ? p.cid : undefined }
}

/** An incremental text/event-stream parser: feed it chunks, it calls back once per complete event. */
export function createSseParser(onEvent: (data: string, event?: string) => void): (chunk: string) => void {
  let buffer = ''
  let data: string[] = []
  let event: string | undefined
  return (chunk) => {
    buffer += chunk
    let newline: number
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline)
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1))
      if (line === '') {
        if (data.length > 0) onEvent(data.join('\n'), event)
        data = []
        event = undefined
      } else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
      else if (line.startsWith('event:')) event = line.slice(6).trim()
      // id:, retry: and comments (":" keep-alives) need nothing from us.
    }
  }
}

export interface WatchInit {
  fetch: typeof fetch
  /** The core's URL and token now, or undefined while it is not running. */
  connection: () => { apiUrl: string; token: string } | undefined
  onEvent: (payload: unknown, event?: string) => void
  log: { debug(msg: string, fields?: Record<string, unknown>): void }
  /** Delays between reconnects; the last repeats. */
  backoffMs?: number[]
}

/** Follows the core's event stream until stop() is called. */
export function watchCoreEvents(init: WatchInit): { stop(): void } {
  const controller = new AbortController()
  const backoff = init.backoffMs ?? [1000, 2000, 5000, 15000, 60000]
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      controller.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
    })
  void (async () => {
    let attempt = 0
    while (!controller.signal.aborted) {
      const conn = init.connection()
      if (conn) {
        try {
          const res = await init.fetch(`${conn.apiUrl}/api/events`, {
            headers: { authorization: `Bearer ${conn.token}`, accept: 'text/event-stream' },
            signal: controller.signal,
          })
          if (res.ok && res.body) {
            attempt = 0
            const parse = createSseParser((data, event) => {
              try {
                init.onEvent(JSON.parse(data), event)
              } catch {
                // Not JSON (a plain keep-alive message): nothing to notify.
              }
            })
            const decoder = new TextDecoder()
            for await (const chunk of res.body) parse(decoder.decode(chunk as Uint8Array, { stream: true }))
          } else {
            init.log.debug('event stream unavailable', { status: res.status })
            await res.body?.cancel().catch(() => {})
          }
        } catch (err) {
          if (controller.signal.aborted) return
          init.log.debug('event stream closed', { error: String(err) })
        }
      }
      await sleep(backoff[Math.min(attempt++, backoff.length - 1)]!)
    }
  })()
  return { stop: () => controller.abort() }
}

export interface NotifierInit {
  show: (notice: Notice) => void
  /** The same pin reported twice (by its upload and its pin) gives one notification. */
  dedupeMs?: number
  now?: () => number
}

export function createNotifier(init: NotifierInit): (notice: Notice) => void {
  const seen = new Map<string, number>()
  const now = init.now ?? Date.now
  const window = init.dedupeMs ?? 60_000
  return (notice) => {
    const t = now()
    for (const [key, at] of seen) if (t - at > window) seen.delete(key)
    const key = `${notice.cid ?? notice.title + notice.body}:${notice.ok}`
    if (seen.has(key)) return
    seen.set(key, t)
    init.show(notice)
  }
}
