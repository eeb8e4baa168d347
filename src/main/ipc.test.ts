import { describe, expect, it, vi } from 'vitest'
import { INVOKE_CHANNELS } from '../shared/ipc.js'
import { dispatch, IpcHandlerError, registerIpc, type IpcHandlers, type IpcMainLike, type SenderEvent } from './ipc.js'
import { appPageMatcher } from './window.js'

const WINDOW_ID = 7
const init = { windowContentsId: () => WINDOW_ID, isAppPage: appPageMatcher(), log: { warn: vi.fn(), error: vi.fn() } }
const fromApp: SenderEvent = { sender: { id: WINDOW_ID }, senderFrame: { url: 'app://tack/index.html', parent: null } }

function handlers(): IpcHandlers {
  return {
    'tack:get-connection': vi.fn(() => ({ apiUrl: 'http://127.0.0.1:7575', token: 't' })),
    'tack:pick-and-upload': vi.fn(async () => []),
    'tack:reveal-download': vi.fn(),
    'tack:open-link': vi.fn(async () => {}),
    'tack:app-version': vi.fn(() => '0.1.0'),
    'tack:get-settings': vi.fn(() => ({ openAtLogin: false, lan: false })),
    'tack:set-settings': vi.fn((patch) => ({ openAtLogin: false, lan: false, ...patch })),
    'tack:save-backup': vi.fn(async () => ({ path: '/home/me/tack-backup.tar', bytes: 10 })),
    'tack:dropped-paths': vi.fn(async () => []),
  }
}

describe('IPC', () => {
  it('answers the app window', async () => {
    const h = handlers()
    expect(await dispatch('tack:app-version', fromApp, [], h, init)).toEqual({ ok: true, value: '0.1.0' })
    expect(await dispatch('tack:set-settings', fromApp, [{ lan: true }], h, init)).toEqual({
      ok: true,
      value: { openAtLogin: false, lan: true },
    })
    expect(await dispatch('tack:open-link', fromApp, ['https://ipfs.tech/'], h, init)).toEqual({
      ok: true,
      value: undefined,
    })
    expect(await dispatch('tack:save-backup', fromApp, [], h, init)).toEqual({
      ok: true,
      value: { path: '/home/me/tack-backup.tar', bytes: 10 },
    })
  })

  it('refuses foreign senders before the handler runs', async () => {
    const h = handlers()
    const foreign: SenderEvent[] = [
      { sender: { id: 99 }, senderFrame: { url: 'app://tack/index.html', parent: null } },
      { sender: { id: WINDOW_ID }, senderFrame: { url: 'https://evil.example/', parent: null } },
      { sender: { id: WINDOW_ID }, senderFrame: { url: 'app://tack/index.html', parent: {} } },
      { sender: { id: WINDOW_ID }, senderFrame: null },
    ]
    for (const event of foreign) {
      const result = await dispatch('tack:get-connection', event, [], h, init)
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    expect(h['tack:get-connection']).not.toHaveBeenCalled()
  })

  it('refuses bad arguments before the handler runs', async () => {
    const h = handlers()
    const bad: Array<[keyof IpcHandlers, unknown[]]> = [
      ['tack:pick-and-upload', ['everything']],
      ['tack:pick-and-upload', []],
      ['tack:open-link', ['file:///etc/passwd']],
      ['tack:open-link', ['javascript:alert(1)']],
      ['tack:open-link', [42]],
      ['tack:reveal-download', ['../../etc/passwd']],
      ['tack:set-settings', [{ lan: 'yes' }]],
      ['tack:set-settings', [{ lan: true, admin: true }]],
      ['tack:dropped-paths', [['relative/path.txt']]],
      ['tack:dropped-paths', [[]]],
      ['tack:app-version', ['extra']],
      // The page never names where a backup goes: main's save dialog does.
      ['tack:save-backup', ['/home/me/.bashrc']],
    ]
    for (const [channel, args] of bad) {
      const result = await dispatch(channel, fromApp, args, h, init)
      expect(result, `${channel} ${JSON.stringify(args)}`).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } })
      expect(h[channel]).not.toHaveBeenCalled()
    }
  })

  it('turns handler failures into results', async () => {
    const h = handlers()
    h['tack:reveal-download'] = () => {
      throw new IpcHandlerError('NOT_FOUND', 'no such download')
    }
    h['tack:get-connection'] = () => {
      throw new Error('core not started')
    }
    expect(await dispatch('tack:reveal-download', fromApp, ['d1'], h, init)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no such download' },
    })
    expect(await dispatch('tack:get-connection', fromApp, [], h, init)).toMatchObject({
      ok: false,
      error: { code: 'FAILED' },
    })
  })

  it('registers every channel of the contract', async () => {
    const registered = new Map<string, (event: SenderEvent, ...args: unknown[]) => Promise<unknown>>()
    const ipcMain: IpcMainLike = {
      handle: (c, l) => void registered.set(c, l),
      removeHandler: (c) => void registered.delete(c),
    }
    const unregister = registerIpc(ipcMain, handlers(), init)
    expect([...registered.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort())
    expect(await registered.get('tack:app-version')!(fromApp)).toEqual({ ok: true, value: '0.1.0' })
    unregister()
    expect(registered.size).toBe(0)
  })
})
