// A small typed event bus for live UI updates. Domains publish what changed for an account; the SSE route
// (`GET /api/events`) subscribes per account, so each account only ever sees its own events. Publishing is
// synchronous and never throws: a failing listener is dropped from that delivery, not from the bus.
import type { Status } from '../../shared/psa.js'

export interface PinEvent {
  type: 'pin'
  accountId: number
  requestid: string
  status: Status
  cid: string
  name?: string
  /** Set when the pin object is gone (deleted or replaced). */
  deleted?: boolean
  /** Set when only its state at a forwarding target changed (its `remote.<name>` info), not the object. */
  forwarding?: boolean
}

/** Uploads publish these; the files domain owns the exact fields beyond the common ones. */
export interface FileEvent {
  type: 'file'
  accountId: number
  [field: string]: unknown
}

export type CoreEvent = PinEvent | FileEvent

export type EventListener = (event: CoreEvent) => void

export interface EventBus {
  publish(event: CoreEvent): void
  /** Listens to one account's events (or all, for accountId undefined); returns the unsubscribe function. */
  subscribe(accountId: number | undefined, listener: EventListener): () => void
  /** How many listeners are attached (for tests and status). */
  listenerCount(): number
}

export function createEventBus(): EventBus {
  const listeners = new Set<{ accountId: number | undefined; listener: EventListener }>()
  return {
    publish(event) {
      for (const entry of [...listeners]) {
        if (entry.accountId !== undefined && entry.accountId !== event.accountId) continue
        try {
          entry.listener(event)
        } catch {
          // A broken subscriber (a closed socket) must not stop the publisher or the other subscribers.
        }
      }
    },
    subscribe(accountId, listener) {
      const entry = { accountId, listener }
      listeners.add(entry)
      return () => listeners.delete(entry)
    },
    listenerCount: () => listeners.size,
  }
}
