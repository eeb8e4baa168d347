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
    const first = await runner.rendererConnection()
    expect(first?.token).toMatch(/^login-a-\d+$/)
    expect((await runner.rendererConnection())?.token).not.toBe(first?.token)
    await runner.stop()
    expect(runner.connection()).toBeUndefined()
    expect(await runner.rendererConnection()).toBeUndefined()
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

  it('reports a core that dies while running as failed, and a start restarts it', async () => {
    const log: string[] = []
    const states: Array<[string, unknown]> = []
    const deaths: Array<(error: Error) => void> = []
    let made = 0
    const runner = createCoreRunner({
      make: () => ({ ...fakeCore(log, `c${++made}`), onFailure: (listener) => void deaths.push(listener) }),
      onState: (s, e) => states.push([s, e]),
    })
    await runner.start()
    deaths[0]!(new Error('the core process ended (signal SIGKILL)'))
    expect(runner.state).toBe('failed')
    expect(states.at(-1)).toEqual(['failed', new Error('the core process ended (signal SIGKILL)')])
    expect(runner.connection()).toBeUndefined()
    // Nothing of the dead core is stopped again; a start builds a new one.
    await runner.stop()
    await runner.start()
    expect(runner.state).toBe('running')
    expect(runner.connection()?.apiUrl).toBe('http://127.0.0.1/c2')
    // A late report from the old core changes nothing.
    deaths[0]!(new Error('late'))
    expect(runner.state).toBe('running')
    expect(log).toEqual(['start c1', 'start c2'])
  })
})
