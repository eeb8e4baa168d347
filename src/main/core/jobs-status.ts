// What /api/status says of the work that holds Kubo's GC gate: the upload pin jobs running now and a GC
// waiting for them or collecting. A stage that has lasted longer than STALLED_MS is flagged as stalled, so a
// dashboard (or `tack status`) shows a job stuck in Kubo before its deadline (TACK_GC_GATE_TIMEOUT_MS) ends it.
import type { Pinner } from './files/pinner.js'
import type { GcGate } from './kubo/gc.js'

/** Longer than any add+pin of local bytes takes on a healthy machine; far shorter than the deadline. */
export const STALLED_MS = 10_000

export interface JobStatus {
  /** Only for an admin caller: another account's CID is not every key's business. */
  cid?: string
  stage: string
  seconds: number
  stalled: boolean
}

export interface JobsStatus {
  /** Upload pin jobs running now (adding to Kubo, or waiting for a GC to end). */
  pinning: JobStatus[]
  /** A garbage collection waiting for the jobs holding the gate, or collecting. */
  gc?: JobStatus
  /** How many of the above are stalled. */
  stalled: number
}

export function jobsStatus(
  pinner: Pick<Pinner, 'jobs'>,
  gate: Pick<GcGate, 'state'>,
  options: { cids: boolean },
  now = Date.now(),
): JobsStatus {
  const status = (stage: string, since: number, cid?: string): JobStatus => ({
    ...(options.cids && cid ? { cid } : {}),
    stage,
    seconds: Math.round((now - since) / 1000),
    stalled: now - since > STALLED_MS,
  })
  const pinning = pinner.jobs().map((job) => status(job.stage, job.since, job.cid))
  const held = gate.state().gc
  const gc = held ? status(held.stage, held.since) : undefined
  const stalled = [...pinning, ...(gc ? [gc] : [])].filter((j) => j.stalled).length
  return { pinning, ...(gc ? { gc } : {}), stalled }
}
