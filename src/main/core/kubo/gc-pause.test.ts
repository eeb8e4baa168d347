import { describe, expect, it } from 'vitest'
import { createGcGate } from './gc.js'

describe('GcGate.beforeExclusive', () => {
  it('pauses work a GC would wait on before the run, and resumes it after, even when the run fails', async () => {
    const gate = createGcGate()
    const log: string[] = []
    gate.beforeExclusive(async () => {
      log.push('pause')
      return () => log.push('resume')
    })
    await gate.exclusive(async () => void log.push('gc'))
    await expect(gate.exclusive(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(log).toEqual(['pause', 'gc', 'resume', 'pause', 'resume'])
  })

  it('an upload job queued behind a GC waits only for the GC, not for the paused fetches', async () => {
    const gate = createGcGate()
    let fetchRunning = true
    // A stuck fetch: it would never end by itself; the pause cuts it.
    gate.beforeExclusive(async () => {
      fetchRunning = false
      return () => (fetchRunning = true)
    })
    const gc = gate.exclusive(async () => 'collected')
    const upload = gate.hold(async () => 'uploaded')
    expect(await gc).toBe('collected')
    expect(await upload).toBe('uploaded')
    expect(fetchRunning).toBe(true)
  })
})
