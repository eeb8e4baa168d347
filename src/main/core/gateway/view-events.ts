// Live view counts: the gateway counts an access through `repo.touch(cid)`; this tells the accounts whose
// files those are, as `file` events carrying the new count, so an open Files page shows it without a reload.
// A busy gateway must not flood the event stream: accesses are gathered and published at most once per
// `intervalMs`, one event per account and CID, whatever the number of accesses in between.
import type { FileEvent } from '../events.js'

export interface ViewEventsInit {
  /** Every account's row for the CID with its count now (files.repo.rowsByCid). */
  rowsOf(cid: string): Array<{ account_id: number; views: number; state: string }>
  publish(event: FileEvent): void
  /** Default 1000 ms. */
  intervalMs?: number
}

export interface ViewEvents {
  /** Called after a view was counted. */
  viewed(cid: string): void
  /** Publishes what is pending now and stops the timer. */
  flush(): void
}

export function createViewEvents(init: ViewEventsInit): ViewEvents {
  const pending = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = () => {
    clearTimeout(timer)
    timer = undefined
    const cids = [...pending]
    pending.clear()
    for (const cid of cids) {
      let rows: ReturnType<ViewEventsInit['rowsOf']>
      try {
        rows = init.rowsOf(cid)
      } catch {
        return // the database closed (Tack stopping): nobody is listening any more
      }
      const seen = new Set<number>()
      for (const row of rows) {
        if (seen.has(row.account_id)) continue
        seen.add(row.account_id)
        init.publish({ type: 'file', accountId: row.account_id, cid, views: row.views, state: row.state })
      }
    }
  }
  return {
    viewed(cid) {
      pending.add(cid)
      if (timer) return
      timer = setTimeout(flush, init.intervalMs ?? 1000)
      timer.unref?.()
    },
    flush,
  }
}
