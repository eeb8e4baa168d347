// The application menu. Without one Electron shows its default, with DevTools and links to electronjs.org.
// macOS needs one for its conventions (the app menu with About, Hide and Quit; Edit for copy and paste
// shortcuts in the window; Window). Linux and Windows get File, Edit, View and Help; DevTools only when
// unpackaged (development). The menus name only Tack's own actions.
import type { MenuItemConstructorOptions } from 'electron'

export interface AppMenuInit {
  platform: NodeJS.Platform
  packaged: boolean
  openLogs: () => void
  about: () => void
}

const EDIT: MenuItemConstructorOptions = {
  label: 'Edit',
  submenu: [
    { role: 'undo' },
    { role: 'redo' },
    { type: 'separator' },
    { role: 'cut' },
    { role: 'copy' },
    { role: 'paste' },
    { role: 'selectAll' },
  ],
}

function viewMenu(packaged: boolean): MenuItemConstructorOptions {
  const develop: MenuItemConstructorOptions[] = packaged ? [] : [{ type: 'separator' }, { role: 'toggleDevTools' }]
  return {
    label: 'View',
    submenu: [
      { role: 'reload' },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...develop,
    ],
  }
}

export function appMenuTemplate(init: AppMenuInit): MenuItemConstructorOptions[] {
  const logs: MenuItemConstructorOptions = { label: 'Open Logs', click: () => init.openLogs() }
  if (init.platform === 'darwin')
    return [
      {
        label: 'Tack',
        submenu: [
          { role: 'about' },
          { type: 'separator' },
          { role: 'hide' },
          { role: 'hideOthers' },
          { role: 'unhide' },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      EDIT,
      viewMenu(init.packaged),
      {
        label: 'Window',
        submenu: [{ role: 'minimize' }, { role: 'zoom' }, { role: 'close' }, { type: 'separator' }, { role: 'front' }],
      },
      { role: 'help', submenu: [logs] },
    ]
  return [
    {
      label: 'File',
      submenu: [{ role: 'close', label: 'Close Window' }, { type: 'separator' }, { role: 'quit', label: 'Quit Tack' }],
    },
    EDIT,
    viewMenu(init.packaged),
    { label: 'Help', submenu: [logs, { type: 'separator' }, { label: 'About Tack', click: () => init.about() }] },
  ]
}
