import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { watchRendererHealth } from './renderer-health.js'

function fakeWindow() {
  const contents = Object.assign(new EventEmitter(), { reload: vi.fn(), forcefullyCrashRenderer: vi.fn() })
  return Object.assign(new EventEmitter(), { webContents: contents, isDestroyed: () => false })
}
const log = { warn: vi.fn(), error: vi.fn() }

describe('watchRendererHealth', () => {
  it('reloads a crashed renderer up to the limit in the period, then gives up', () => {
    const win = fakeWindow()
    let t = 0
    const onGiveUp = vi.fn()
    watchRendererHealth(win, {
      askWhenHung: async () => 'wait',
      onGiveUp,
      log,
      maxReloads: 2,
      periodMs: 1000,
      now: () => t,
    })
    for (let i = 0; i < 3; i++) win.webContents.emit('render-process-gone', {}, { reason: 'crashed' })
    expect(win.webContents.reload).toHaveBeenCalledTimes(2)
    expect(onGiveUp).toHaveBeenCalledTimes(1)
    t = 5000
    win.webContents.emit('render-process-gone', {}, { reason: 'oom' })
    expect(win.webContents.reload).toHaveBeenCalledTimes(3)
  })

  it('ignores a clean exit', () => {
    const win = fakeWindow()
    watchRendererHealth(win, { askWhenHung: async () => 'wait', onGiveUp: vi.fn(), log })
    win.webContents.emit('render-process-gone', {}, { reason: 'clean-exit' })
    expect(win.webContents.reload).not.toHaveBeenCalled()
  })

  it('asks once while hung; reload crashes and reloads the renderer, not counted as a crash', async () => {
    const win = fakeWindow()
    let answer!: (a: 'wait' | 'reload') => void
    const askWhenHung = vi.fn(() => new Promise<'wait' | 'reload'>((r) => (answer = r)))
    watchRendererHealth(win, { askWhenHung, onGiveUp: vi.fn(), log, maxReloads: 1 })
    win.emit('unresponsive')
    win.emit('unresponsive')
    expect(askWhenHung).toHaveBeenCalledTimes(1)
    answer('reload')
    await vi.waitFor(() => expect(win.webContents.forcefullyCrashRenderer).toHaveBeenCalled())
    expect(win.webContents.reload).toHaveBeenCalledTimes(1)
    win.webContents.emit('render-process-gone', {}, { reason: 'killed' })
    expect(win.webContents.reload).toHaveBeenCalledTimes(1)
  })

  it('does nothing when the user waits, or when the window recovered meanwhile', async () => {
    const win = fakeWindow()
    const answers: Array<'wait' | 'reload'> = ['wait', 'reload']
    watchRendererHealth(win, { askWhenHung: async () => answers.shift()!, onGiveUp: vi.fn(), log })
    win.emit('unresponsive')
    await new Promise((r) => setImmediate(r))
    win.emit('unresponsive')
    win.emit('responsive')
    await new Promise((r) => setImmediate(r))
    expect(win.webContents.forcefullyCrashRenderer).not.toHaveBeenCalled()
  })
})
