// The Electron shell's entry: hands Electron's modules to the composition root (desktop.ts). Kept this
// thin so every rule about windows, IPC and quitting lives in a file with tests.
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  protocol,
  session,
  shell,
  Tray,
  utilityProcess,
} from 'electron'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runDesktop } from './desktop.js'

// Tests and side-by-side profiles pass --user-data-dir; honour it before anything reads userData.
const userData = app.commandLine.getSwitchValue('user-data-dir')
if (userData) app.setPath('userData', userData)

runDesktop(
  {
    app,
    BrowserWindow,
    clipboard,
    dialog,
    ipcMain,
    Menu,
    nativeImage,
    Notification,
    powerMonitor,
    protocol,
    session,
    shell,
    Tray,
    utilityProcess,
  },
  { here: dirname(fileURLToPath(import.meta.url)), env: process.env, argv: process.argv },
)
