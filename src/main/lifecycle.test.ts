import { describe, expect, it, vi } from 'vitest'
import { CoreError } from './core/errors.js'
import { claimSingleInstance, describeStartError, installQuitHandler } from './lifecycle.js'

function fakeApp() {
  let listener: ((event: { preventDefault(): void }) => void) | undefined
  const calls: string[] = []
  const app = {
    on: (_name: 'before-quit', l: typeof listener) => (listener = l),
    exit: vi.fn((code: number) => void calls.push(`exit ${code}`)),
  }
  const quit = () => {
    const event = { preventDefault: vi.fn() }
    listener!(event)
    return event
  }
  return { app, quit, calls }
}
const log = { info: () => {}, error: () => {} }
const tick = () => new Promise((r) => setTimeout(r, 0))

describe('quitting', () => {
  it('stops the core before exiting', async () => {
    const { app, quit, calls } = fakeApp()
    let release!: () => void
    const stop = vi.fn(() => new Promise<void>((r) => (release = r)).then(() => void calls.push('core stopped')))
    const state = installQuitHandler(app, { stop, log })
    const event = quit()
    expect(event.preventDefault).toHaveBeenCalled()
    expect(state.quitting).toBe(true)
    await tick()
    expect(app.exit).not.toHaveBeenCalled()
    // Quitting again while stopping neither exits early nor stops twice.
    expect(quit().preventDefault).toHaveBeenCalled()
    release()
    await tick()
    expect(calls).toEqual(['core stopped', 'exit 0'])
    expect(stop).toHaveBeenCalledTimes(1)
  })

  it('exits non-zero when stopping fails, and does not block the final quit', async () => {
    const { app, quit, calls } = fakeApp()
    installQuitHandler(app, { stop: () => Promise.reject(new Error('boom')), log })
    quit()
    await tick()
    expect(calls).toEqual(['exit 1'])
    expect(quit().preventDefault).not.toHaveBeenCalled()
  })

  it('exits after the timeout if the core hangs', async () => {
    vi.useFakeTimers()
    try {
      const { app, quit } = fakeApp()
      installQuitHandler(app, { stop: () => new Promise(() => {}), log, timeoutMs: 1000 })
      quit()
      await vi.advanceTimersByTimeAsync(999)
      expect(app.exit).not.toHaveBeenCalled()
      await vi.advanceTimersByTimeAsync(1)
      expect(app.exit).toHaveBeenCalledWith(0)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('single instance', () => {
  it('hands a second launch to the first', () => {
    const onSecond = vi.fn()
    let listener: ((e: unknown, argv: string[], cwd: string) => void) | undefined
    const app = {
      requestSingleInstanceLock: () => true,
      on: (_: 'second-instance', l: typeof listener) => (listener = l),
    }
    expect(claimSingleInstance(app, onSecond)).toBe(true)
    listener!({}, ['tack', '/tmp/a.txt'], '/tmp')
    expect(onSecond).toHaveBeenCalledWith(['tack', '/tmp/a.txt'], '/tmp')
    expect(claimSingleInstance({ requestSingleInstanceLock: () => false, on: vi.fn() }, onSecond)).toBe(false)
  })
})

describe('start failures', () => {
  const ctx = { port: 7575, dataDir: '/home/me/.config/Tack/data', logPath: '/home/me/.config/Tack/logs/tack.log' }
  it('says what happened and what to do', () => {
    const port = describeStartError(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }), ctx)
    expect(port.message).toContain('7575')
    expect(port.detail).toContain('TACK_PORT')
    expect(describeStartError(new CoreError('CONFLICT', 'already running'), ctx).title).toBe('Tack is already running')
    expect(describeStartError(new Error('Error: someone else has the lock'), ctx).message).toMatch(/locked/)
    const missing = describeStartError(
      new CoreError('SERVICE_UNAVAILABLE', 'no kubo binary: set TACK_KUBO_BINARY'),
      ctx,
    )
    expect(missing.message).toMatch(/missing/)
    expect(missing.detail).toMatch(/Reinstall/)
    const other = describeStartError(new Error('disk full'), ctx)
    expect(other.message).toBe('disk full')
    for (const f of [port, other, missing]) expect(f.detail).toContain(ctx.logPath)
  })
})

describe('reveal requests', () => {
  it('are kept until the core is ready, then honoured once', async () => {
    const { createRevealQueue } = await import('./lifecycle.js')
    let ready = false
    const reveal = vi.fn()
    const queue = createRevealQueue({ ready: () => ready, reveal })
    queue.request()
    queue.request()
    queue.flush()
    expect(reveal).not.toHaveBeenCalled()
    expect(queue.pending).toBe(true)
    ready = true
    queue.flush()
    queue.flush()
    expect(reveal).toHaveBeenCalledTimes(1)
    queue.request()
    expect(reveal).toHaveBeenCalledTimes(2)
    expect(queue.pending).toBe(false)
  })
})
