import { describe, expect, it, vi } from 'vitest'
import { EVENT_CHANNELS } from '../shared/ipc.js'
import { createTackApi, installDropUpload, type DropEventLike, type IpcRendererLike } from './api.js'

function fakeIpc() {
  const listeners = new Map<string, (event: unknown, payload: unknown) => void>()
  const ipc = {
    invoke: vi.fn(async (channel: string, ...args: unknown[]) => ({ ok: true, value: { channel, args } })),
    on: vi.fn((c: string, l: (event: unknown, payload: unknown) => void) => listeners.set(c, l)),
    removeListener: vi.fn((c: string) => listeners.delete(c)),
  } satisfies IpcRendererLike
  return { ipc, listeners }
}

describe('window.tack', () => {
  it('maps each method to its channel', async () => {
    const { ipc } = fakeIpc()
    const api = createTackApi(ipc, () => true)
    await api.pickAndUpload('folder')
    await api.setSettings({ lan: true })
    await api.openLink('https://ipfs.tech/')
    await api.saveBackup()
    expect(ipc.invoke.mock.calls).toEqual([
      ['tack:pick-and-upload', 'folder'],
      ['tack:set-settings', { lan: true }],
      ['tack:open-link', 'https://ipfs.tech/'],
      ['tack:save-backup'],
    ])
  })

  it('opens links and starts backups only during a user activation', async () => {
    const { ipc } = fakeIpc()
    const api = createTackApi(ipc, () => false)
    expect(await api.openLink('https://ipfs.tech/')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await api.saveBackup()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(ipc.invoke).not.toHaveBeenCalled()
  })

  it('turns a failed invoke into a result instead of a rejection', async () => {
    const { ipc } = fakeIpc()
    ipc.invoke.mockRejectedValueOnce(new Error('no handler'))
    expect(await createTackApi(ipc, () => true).appVersion()).toEqual({
      ok: false,
      error: { code: 'FAILED', message: 'no handler' },
    })
  })

  it('gives listeners the payload only, and unsubscribes', () => {
    const { ipc, listeners } = fakeIpc()
    const api = createTackApi(ipc, () => true)
    const got: unknown[] = []
    const off = api.onStatus((e) => got.push(e))
    listeners.get('tack:status')!({ sender: 'ipcRenderer!' }, { state: 'running', lan: false })
    expect(got).toEqual([{ state: 'running', lan: false }])
    off()
    expect(listeners.has('tack:status')).toBe(false)
    expect(EVENT_CHANNELS).toContain('tack:status')
  })
})

describe('drops on the window', () => {
  const setup = () => {
    const handlers = new Map<string, (e: DropEventLike) => void>()
    const { ipc } = fakeIpc()
    installDropUpload({ addEventListener: (t, l) => void handlers.set(t, l) }, ipc, (f) => (f as { path: string }).path)
    const drop = (over: Partial<DropEventLike>) => {
      const event = {
        isTrusted: true,
        defaultPrevented: false,
        dataTransfer: { files: [{ path: '/tmp/a.txt' }, { path: '' }] },
        preventDefault: vi.fn(),
        ...over,
      }
      handlers.get('drop')!(event)
      return event
    }
    return { ipc, drop, handlers }
  }

  it('sends the paths of an unhandled user drop to main', () => {
    const { ipc, drop } = setup()
    expect(drop({}).preventDefault).toHaveBeenCalled()
    expect(ipc.invoke).toHaveBeenCalledWith('tack:dropped-paths', ['/tmp/a.txt'])
  })

  it('leaves drops the page handled, and synthetic drops, alone', () => {
    const { ipc, drop } = setup()
    drop({ defaultPrevented: true })
    drop({ isTrusted: false })
    drop({ dataTransfer: { files: [] } })
    expect(ipc.invoke).not.toHaveBeenCalled()
  })

  it('allows dropping anywhere', () => {
    const { handlers } = setup()
    const event = { preventDefault: vi.fn() } as unknown as DropEventLike
    handlers.get('dragover')!(event)
    expect(event.preventDefault).toHaveBeenCalled()
  })
})

describe('what the page can reach', () => {
  it('has no method that takes a path: dropped paths come only from the preload’s own drop handler', () => {
    const { ipc } = fakeIpc()
    const api = createTackApi(ipc, () => true) as unknown as Record<string, unknown>
    expect(Object.keys(api).some((k) => /path|drop/i.test(k))).toBe(false)
  })

  it('sends main only what getPathForFile gives for the dropped File objects, never strings the page put there', () => {
    const handlers = new Map<string, (e: DropEventLike) => void>()
    const { ipc } = fakeIpc()
    // getPathForFile answers '' for anything that is not a File the browser got from the OS.
    const pathOf = vi.fn((f: unknown) => (f instanceof Object && (f as { real?: string }).real) || '')
    installDropUpload({ addEventListener: (t, l) => void handlers.set(t, l) }, ipc, pathOf)
    handlers.get('drop')!({
      isTrusted: true,
      defaultPrevented: false,
      dataTransfer: { files: ['/home/me/.ssh/id_ed25519', { name: 'made-up' }, { real: '/tmp/dropped.txt' }] },
      preventDefault: vi.fn(),
    })
    expect(ipc.invoke).toHaveBeenCalledWith('tack:dropped-paths', ['/tmp/dropped.txt'])
  })
})
