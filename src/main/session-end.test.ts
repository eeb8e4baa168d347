import { describe, expect, it, vi } from 'vitest'
import { installQuitHandler } from './lifecycle.js'
import { installSystemEndHandlers, type SessionWindowLike } from './session-end.js'

type Listener = (event: { preventDefault(): void; reasons?: string[] }) => void

/** Stand-ins for Electron's app, powerMonitor, process signals and a BrowserWindow, recording what happens. */
function setup(platform: NodeJS.Platform) {
  const calls: string[] = []
  let beforeQuit: Listener | undefined
  const app = {
    on: (_e: 'before-quit', l: Listener) => (beforeQuit = l),
    exit: (code: number) => void calls.push(`exit ${code}`),
  }
  let release!: () => void
  const stop = vi.fn(() => new Promise<void>((r) => (release = r)).then(() => void calls.push('core stopped')))
  const log = { info: () => {}, error: () => {} }
  const quit = installQuitHandler(app, { stop, log, platform })
  const power = new Map<string, Listener>()
  const signals = new Map<string, () => void>()
  const windowEvents = new Map<string, Listener>()
  const createSessionWindow = vi.fn(
    (): SessionWindowLike => ({ on: (e: string, l: Listener) => void windowEvents.set(e, l) }) as SessionWindowLike,
  )
  installSystemEndHandlers({
    platform,
    powerMonitor: { on: (e, l) => void power.set(e, l) },
    signals: { on: (s, l) => void signals.set(s, l) },
    createSessionWindow,
    quit,
    log,
  })
  const fire = (map: Map<string, Listener>, name: string, reasons?: string[]) => {
    const event = { preventDefault: vi.fn(), reasons }
    map.get(name)!(event)
    return event
  }
  const userQuit = () => {
    const event = { preventDefault: vi.fn() }
    beforeQuit!(event)
    return event
  }
  const settle = async () => {
    release()
    await new Promise((r) => setTimeout(r, 0))
  }
  return { calls, stop, quit, power, signals, windowEvents, createSessionWindow, fire, userQuit, settle }
}

describe('the OS ending the session', () => {
  it('Linux: shutdown is delayed while the core stops, then Tack exits', async () => {
    const t = setup('linux')
    expect(t.createSessionWindow).not.toHaveBeenCalled()
    const event = t.fire(t.power, 'shutdown')
    expect(event.preventDefault).toHaveBeenCalled()
    expect(t.stop).toHaveBeenCalledTimes(1)
    // The quit Electron emits next is held too (Linux has no restart to interrupt), and stops nothing twice.
    expect(t.userQuit().preventDefault).toHaveBeenCalled()
    expect(t.calls).toEqual([])
    await t.settle()
    expect(t.calls).toEqual(['core stopped', 'exit 0'])
    expect(t.stop).toHaveBeenCalledTimes(1)
  })

  it('macOS: after shutdown begins, the quit the OS asks for is not held (that would interrupt the restart)', async () => {
    const t = setup('darwin')
    t.fire(t.power, 'shutdown')
    expect(t.userQuit().preventDefault).not.toHaveBeenCalled()
    expect(t.stop).toHaveBeenCalledTimes(1)
    await t.settle()
    expect(t.calls).toEqual(['core stopped', 'exit 0'])
  })

  it('macOS: a user quit (Cmd+Q) is still held until the core is down', async () => {
    const t = setup('darwin')
    expect(t.userQuit().preventDefault).toHaveBeenCalled()
    await t.settle()
    expect(t.calls).toEqual(['core stopped', 'exit 0'])
  })

  it('POSIX signals stop the core cleanly', async () => {
    const t = setup('linux')
    t.signals.get('SIGTERM')!()
    t.signals.get('SIGHUP')!()
    expect(t.stop).toHaveBeenCalledTimes(1)
    await t.settle()
    expect(t.calls).toEqual(['core stopped', 'exit 0'])
  })

  it('Windows: a hidden window always exists to receive session end, which delays it until stopped', async () => {
    const t = setup('win32')
    expect(t.createSessionWindow).toHaveBeenCalledTimes(1)
    expect(t.power.has('shutdown')).toBe(false)
    expect(t.signals.size).toBe(0)
    const query = t.fire(t.windowEvents, 'query-session-end', ['logoff'])
    expect(query.preventDefault).toHaveBeenCalled()
    expect(t.quit.quitting).toBe(true)
    t.fire(t.windowEvents, 'session-end')
    expect(t.stop).toHaveBeenCalledTimes(1)
    await t.settle()
    expect(t.calls).toEqual(['core stopped', 'exit 0'])
  })

  it('Windows: session-end alone (no query first) still stops the core', async () => {
    const t = setup('win32')
    t.fire(t.windowEvents, 'session-end')
    expect(t.stop).toHaveBeenCalledTimes(1)
    await t.settle()
    expect(t.calls).toEqual(['core stopped', 'exit 0'])
  })

  it('Windows: an installer closing the hidden window quits Tack cleanly', async () => {
    const t = setup('win32')
    const close = t.fire(t.windowEvents, 'close')
    expect(close.preventDefault).toHaveBeenCalled()
    expect(t.stop).toHaveBeenCalledTimes(1)
    // Once quitting, closing is allowed (app.exit closes every window).
    expect(t.fire(t.windowEvents, 'close').preventDefault).not.toHaveBeenCalled()
    await t.settle()
    expect(t.calls).toEqual(['core stopped', 'exit 0'])
  })
})
