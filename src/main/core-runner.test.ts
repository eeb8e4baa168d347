import { describe, expect, it } from 'vitest'
import { createCoreRunner, type RunnableCore } from './core-runner.js'

let minted = 0

function fakeCore(log: string[], name: string, opts: { failStart?: boolean; startDelay?: number } = {}): RunnableCore {
  return {
    localToken: `token-${name}`,
    loginToken: () => `login-${name}-${++minted}`,
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
    await runner.start()
    expect(runner.connection()).toEqual({ apiUrl: 'http://127.0.0.1/a', token: 'token-a' })
    // The renderer gets a fresh one-time login token on each request, never the shell's own credential.
    const first = runner.rendererConnection()
    expect(first?.token).toMatch(/^login-a-\d+$/)
    expect(runner.rendererConnection()?.token).not.toBe(first?.token)
    await runner.stop()
    expect(runner.connection()).toBeUndefined()
    expect(runner.rendererConnection()).toBeUndefined()
    expect(states).toEqual(['starting', 'running', 'stopping'])
  })

  it('a quit during a slow start stops what the start started', async () => {
    const log: string[] = []
    const runner = createCoreRunner({ make: () => fakeCore(log, 'a', { startDelay: 20 }), onState: () => {} })
    const starting = runner.start()
    const stopping = runner.stop()
    await Promise.all([starting, stopping])
    expect(log).toEqual(['start a', 'stop a'])
  })

  it('reports a failed start and keeps working afterwards', async () => {
    const log: string[] = []
    const errors: unknown[] = []
    let fail = true
    const runner = createCoreRunner({
      make: () => fakeCore(log, 'a', { failStart: fail }),
      onState: (s, e) => s === 'failed' && errors.push(e),
    })
    await expect(runner.start()).rejects.toThrow('a failed')
    expect(runner.state).toBe('failed')
    expect(errors).toHaveLength(1)
    fail = false
    await runner.start()
    expect(runner.state).toBe('running')
  })

  it('reports a core that cannot even be built', async () => {
    const runner = createCoreRunner({
      make: () => {
        throw new Error('no kubo binary')
      },
      onState: () => {},
    })
    await expect(runner.start()).rejects.toThrow('no kubo binary')
    expect(runner.state).toBe('failed')
    await expect(runner.stop()).resolves.toBeUndefined()
  })
})
