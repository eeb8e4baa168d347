// The tray icon is Tack's home while the window is closed: it shows the core's status and offers the
// few things worth doing without the window. The menu is rebuilt from state on every change (Electron
// menus are immutable in practice), so its contents are a pure function that tests read directly.
import type { MenuItemConstructorOptions } from 'electron'

export interface TrayState {
  /** One line: "Running", "Starting…", "Failed: …". */
  status: string
  lastLink?: string
  lan: boolean
  openAtLogin: boolean
}

export interface TrayActions {
  open(): void
  copyLastLink(): void
  setLan(on: boolean): void
  setOpenAtLogin(on: boolean): void
  openLogs(): void
  quit(): void
}

export function trayMenuTemplate(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { id: 'status', label: `Tack: ${state.status}`, enabled: false },
    { type: 'separator' },
    { id: 'open', label: 'Open', click: () => actions.open() },
    { id: 'copy-last-link', label: 'Copy last link', enabled: !!state.lastLink, click: () => actions.copyLastLink() },
    { type: 'separator' },
    {
      id: 'lan',
      label: 'Share on the local network',
      type: 'checkbox',
      checked: state.lan,
      click: () => actions.setLan(!state.lan),
    },
    {
      id: 'open-at-login',
      label: 'Open at login',
      type: 'checkbox',
      checked: state.openAtLogin,
      click: () => actions.setOpenAtLogin(!state.openAtLogin),
    },
    { id: 'open-logs', label: 'Open logs', click: () => actions.openLogs() },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Tack', click: () => actions.quit() },
  ]
}

// The slices of Electron's Tray and Menu used here.
export interface TrayLike {
  setToolTip(text: string): void
  setContextMenu(menu: unknown): void
  on(event: 'click', listener: () => void): unknown
  on(event: 'drop-files', listener: (event: unknown, files: string[]) => void): unknown
  destroy(): void
}

export interface TrayInit {
  create: () => TrayLike
  buildMenu: (template: MenuItemConstructorOptions[]) => unknown
  state: () => TrayState
  actions: TrayActions
  /** Files dropped on the tray icon (macOS). */
  onDropFiles: (paths: string[]) => void
}

export interface TrayHandle {
  /** Rebuilds the menu and tooltip from the current state. */
  refresh(): void
  destroy(): void
}

export function createTray(init: TrayInit): TrayHandle {
  const tray = init.create()
  // A left click opens the window on Windows and Linux; macOS shows the menu, as its users expect.
  tray.on('click', () => init.actions.open())
  tray.on('drop-files', (_event, files) => init.onDropFiles(files))
  const refresh = () => {
    const state = init.state()
    tray.setToolTip(`Tack: ${state.status}`)
    tray.setContextMenu(init.buildMenu(trayMenuTemplate(state, init.actions)))
  }
  refresh()
  return { refresh, destroy: () => tray.destroy() }
}
