import { describe, expect, it, vi } from 'vitest'
import { createTray, trayMenuTemplate, type TrayActions, type TrayState } from './tray.js'

const actions = (): TrayActions => ({
  open: vi.fn(),
  copyLastLink: vi.fn(),
  setLan: vi.fn(),
  setOpenAtLogin: vi.fn(),
  openLogs: vi.fn(),
  quit: vi.fn(),
})
const state: TrayState = { status: 'Running', lan: false, openAtLogin: true }
type Item = ReturnType<typeof trayMenuTemplate>[number]
const click = (item: Item | undefined) => (item!.click as () => void)()

describe('tray menu', () => {
  it('has status, Open, Copy last link, LAN sharing, open at login, logs and Quit', () => {
    const items = trayMenuTemplate(state, actions()).filter((i) => i.type !== 'separator')
    expect(items.map((i) => i.id)).toEqual([
      'status',
      'open',
      'copy-last-link',
      'lan',
      'open-at-login',
      'open-logs',
      'quit',
    ])
    const status = items.find((i) => i.id === 'status')!
    expect(status.label).toBe('Tack: Running')
    expect(status.enabled).toBe(false)
    expect(items.find((i) => i.id === 'lan')).toMatchObject({ type: 'checkbox', checked: false })
    expect(items.find((i) => i.id === 'open-at-login')).toMatchObject({ type: 'checkbox', checked: true })
  })

  it('enables Copy last link only when there is one', () => {
    const byId = (s: TrayState) => Object.fromEntries(trayMenuTemplate(s, actions()).map((i) => [i.id, i]))
    expect(byId(state)['copy-last-link']!.enabled).toBe(false)
    expect(byId({ ...state, lastLink: 'http://127.0.0.1:7575/api/gateway/bafy' })['copy-last-link']!.enabled).toBe(true)
  })

  it('wires every item to its action', () => {
    const a = actions()
    const byId = Object.fromEntries(trayMenuTemplate({ ...state, lastLink: 'x' }, a).map((i) => [i.id, i]))
    click(byId.open)
    click(byId['copy-last-link'])
    click(byId.lan)
    click(byId['open-at-login'])
    click(byId['open-logs'])
    click(byId.quit)
    expect(a.open).toHaveBeenCalled()
    expect(a.copyLastLink).toHaveBeenCalled()
    expect(a.setLan).toHaveBeenCalledWith(true)
    expect(a.setOpenAtLogin).toHaveBeenCalledWith(false)
    expect(a.openLogs).toHaveBeenCalled()
    expect(a.quit).toHaveBeenCalled()
  })

  it('rebuilds the menu on refresh and passes dropped files on', () => {
    type Listener = (event: unknown, files: string[]) => void
    const listeners = new Map<string, Listener>()
    const tray = {
      setToolTip: vi.fn(),
      setContextMenu: vi.fn(),
      on: (n: string, l: Listener) => listeners.set(n, l),
      destroy: vi.fn(),
    }
    let current = state
    const onDropFiles = vi.fn()
    const a = actions()
    const handle = createTray({
      create: () => tray,
      buildMenu: (t) => t,
      state: () => current,
      actions: a,
      onDropFiles,
    })
    expect(tray.setToolTip).toHaveBeenLastCalledWith('Tack: Running')
    current = { ...state, status: 'Starting…' }
    handle.refresh()
    expect(tray.setToolTip).toHaveBeenLastCalledWith('Tack: Starting…')
    expect((tray.setContextMenu.mock.lastCall![0] as Item[])[0]!.label).toBe('Tack: Starting…')
    listeners.get('drop-files')!({}, ['/tmp/a.txt'])
    expect(onDropFiles).toHaveBeenCalledWith(['/tmp/a.txt'])
    listeners.get('click')!({}, [])
    expect(a.open).toHaveBeenCalled()
  })
})
