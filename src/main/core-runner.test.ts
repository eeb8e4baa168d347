import { describe, expect, it, vi } from 'vitest'
import { createCoreRunner, type RunnableCore } from './core-runner.js'

function fakeCore(log: string[], name: string, opts: { failStart?: boolean; startDelay?: number } = {}): RunnableCore {
  return {
    sessionToken: `token-${name}`,
    url: () => `http://127.0.0.1/${name}`,
    start: async () => {
      await new Promise((r) => setTimeout(r, opts.startDelay ?? 0))
      if (opts.failStart) throw new Error(`${name} failed`)
      log.push(`start ${name}`)
    },
    stop: async () => void log.push(`stop ${name}`),
  }
}

describe('core runner', () => {
  it('exposes a connection only while running', async () => {
    const log: string[] = []
    const states: string[] = []
    const runner = createCoreRunner({ make: () => fakeCore(log, 'a'), onState: (s) => states.push(s) })
    expect(runner.connection()).toBeUndefined()
    await runner.start({ lan: false })
    expect(runner.connection()).toEqual({ apiUrl: 'http://127.0.0.1/a', token: 'token-a' })
    await runner.stop()
    expect(runner.connection()).toBeUndefined()
    expect(states).toEqual(['starting', 'running', 'stopping'])
  })

  it('a quit during a slow start stops what the start started', async () => {
    const log: string[] = []
    const runner = createCoreRunner({ make: () => fakeCore(log, 'a', { startDelay: 20 }), onState: () => {} })
    const starting = runner.start({ lan: false })
    const stopping = runner.stop()
    await Promise.all([starting, stopping])
    expect(log).toEqual(['start a', 'stop a'])
  })

  it('restarts with the new LAN setting, stopping the old core first', async () => {
    const log: string[] = []
    const make = vi.fn(({ lan }: { lan: boolean }) => fakeCore(log, lan ? 'lan' : 'local'))
    const runner = createCoreRunner({ make, onState: () => {} })
    await runner.start({ lan: false })
    await runner.restart({ lan: true })
    expect(log).toEqual(['start local', 'stop local', 'start lan'])
    expect(runner.connection()?.apiUrl).toBe('http://127.0.0.1/lan')
  })

  it('reports a failed start and keeps working afterwards', async () => {
    const log: string[] = []
    const errors: unknown[] = []
    let fail = true
    const runner = createCoreRunner({
      make: () => fakeCore(log, 'a', { failStart: fail }),
      onState: (s, e) => s === 'failed' && errors.push(e),
    })
    await expect(runner.start({ lan: false })).rejects.toThrow('a failed')
    expect(runner.state).toBe('failed')
    expect(errors).toHaveLength(1)
    fail = false
    await runner.start({ lan: false })
    expect(runner.state).toBe('running')
  })

  it('reports a core that cannot even be built', async () => {
    const runner = createCoreRunner({
      make: () => {
        throw new Error('no kubo binary')
      },
      onState: () => {},
    })
    await expect(runner.start({ lan: false })).rejects.toThrow('no kubo binary')
    expect(runner.state).toBe('failed')
    await expect(runner.stop()).resolves.toBeUndefined()
  })
})
