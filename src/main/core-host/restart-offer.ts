// What the shell does when the core dies after it ran (its process crashed or was killed): the window is told
// through the status event as before (state `failed`, with the reason), and a dialog, never a synchronous one,
// offers to restart it. A restart that fails again offers again; the first start's failure is not handled here
// (desktop.ts shows its own dialog, which explains the cause and quits).
import type { CoreState } from '../../shared/ipc.js'
import type { Logger } from '../core/log.js'

export type RestartAnswer = 'restart' | 'logs' | 'quit'

export interface RestartOfferInit {
  /** Shows the offer (asynchronously: the window stays live) and resolves with the button chosen. */
  ask: (detail: string) => Promise<RestartAnswer>
  restart: () => Promise<void>
  openLogs: () => void
  quit: () => void
  log: Logger
}

/** Feed it every state change of the core runner (its onState). */
export function createRestartOffer(init: RestartOfferInit): (state: CoreState, error?: unknown) => void {
  let ranOnce = false
  let asking = false
  const offer = async (error: unknown) => {
    asking = true
    let answer: RestartAnswer
    try {
      answer = await init.ask(error instanceof Error ? error.message : String(error ?? 'unknown reason'))
    } finally {
      asking = false
    }
    if (answer === 'quit') return init.quit()
    if (answer === 'logs') return init.openLogs()
    init.log.info('restarting the core after it stopped unexpectedly')
    // A failed restart reports `failed` again, which offers again.
    await init.restart().catch(() => {})
  }
  return (state, error) => {
    if (state === 'running') ranOnce = true
    if (state !== 'failed' || !ranOnce || asking) return
    void offer(error).catch((err: unknown) => init.log.error('the restart offer failed', { error: String(err) }))
  }
}
