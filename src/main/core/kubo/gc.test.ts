import { describe, expect, it } from 'vitest'
import { createGcGate } from './gc.js'

const tick = () => new Promise((r) => setTimeout(r, 5))

describe('createGcGate', () => {
  it('runs a collection only after every held job settled, and holds new jobs until it is done', async () => {
    const gate = createGcGate()
    const log: string[] = []
    let finishJob!: () => void
    const job = gate.hold(async () => {
      log.push('job start')
      await new Promise<void>((r) => (finishJob = r))
      log.push('job end')
    })
    await tick()
    let finishGc!: () => void
    const gc = gate.exclusive(async () => {
      log.push('gc start')
      await new Promise<void>((r) => (finishGc = r))
      log.push('gc end')
    })
    const later = gate.hold(async () => void log.push('later job'))
    await tick()
    expect(log).toEqual(['job start'])
    finishJob()
    await job
    await tick()
    expect(log).toEqual(['job start', 'job end', 'gc start'])
    finishGc()
    await Promise.all([gc, later])
    expect(log).toEqual(['job start', 'job end', 'gc start', 'gc end', 'later job'])
  })

  it('lets jobs run side by side, and a failed job or collection does not wedge the gate', async () => {
    const gate = createGcGate()
    let inside = 0
    let most = 0
    const job = () =>
      gate.hold(async () => {
        most = Math.max(most, ++inside)
        await tick()
        inside--
      })
    await Promise.all([job(), job(), job()])
    expect(most).toBe(3)
    await expect(gate.hold(async () => Promise.reject(new Error('add failed')))).rejects.toThrow('add failed')
    await expect(gate.exclusive(async () => Promise.reject(new Error('gc failed')))).rejects.toThrow('gc failed')
    await expect(gate.exclusive(async () => 'ran')).resolves.toBe('ran')
    await expect(gate.hold(async () => 'held')).resolves.toBe('held')
  })
})
