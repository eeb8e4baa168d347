// What /api/status says of the jobs around the GC gate: a real gate held by a job that does not end, a GC
// waiting for it, each flagged stalled once past STALLED_MS, and CIDs only for the caller allowed to see them.
import { describe, expect, it } from 'vitest'
import type { PinJob } from './files/pinner.js'
import { jobsStatus, STALLED_MS } from './jobs-status.js'
import { createGcGate } from './kubo/gc.js'

describe('jobsStatus', () => {
  it('reports a job holding the gate and the GC waiting for it, stalled past STALLED_MS', async () => {
    const gate = createGcGate()
    let release!: () => void
    const held = gate.hold(() => new Promise<void>((resolve) => (release = resolve)))
    const gc = gate.exclusive(async () => 0)
    await new Promise((r) => setImmediate(r))
    const since = Date.now()
    const jobs: PinJob[] = [{ cid: 'bafyjob', stage: 'adding to Kubo', since }]
    const pinner = { jobs: () => jobs }

    expect(jobsStatus(pinner, gate, { cids: true }, since + 1000)).toMatchObject({
      pinning: [{ cid: 'bafyjob', stage: 'adding to Kubo', seconds: 1, stalled: false }],
      gc: { stage: 'waiting for jobs', stalled: false },
      stalled: 0,
    })
    const late = jobsStatus(pinner, gate, { cids: false }, since + STALLED_MS + 2000)
    expect(late).toMatchObject({ pinning: [{ stalled: true }], gc: { stalled: true }, stalled: 2 })
    expect(late.pinning[0]).not.toHaveProperty('cid')

    release()
    await Promise.all([held, gc])
    expect(jobsStatus({ jobs: () => [] }, gate, { cids: true })).toEqual({ pinning: [], stalled: 0 })
  })
})
