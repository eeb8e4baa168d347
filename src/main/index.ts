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
import { cliArguments, runCliMode } from './cli-mode.js'
import { runDesktop } from './desktop.js'
import { chooseDesktopFolder } from './desktop-folder.js'

const cliArgv = cliArguments(process.argv)
if (cliArgv) {
  // The `tack` command of the Linux packages (src/main/cli-mode.ts): no window, no tray, no userData.
  void runCliMode(cliArgv, {
    resourcesPath: process.resourcesPath,
    platform: process.platform,
    arch: process.arch,
    abi: process.versions.modules,
    exit: (code) => app.exit(code),
  })
} else startDesktop()

function startDesktop() {
  // Tests and side-by-side profiles pass --user-data-dir; honour it before anything reads userData. Otherwise
  // the desktop's own folder, apart from the CLI's data dir (src/main/desktop-folder.ts).
  const userData = app.commandLine.getSwitchValue('user-data-dir')
  const folder = userData
    ? { userData, notes: [] }
    : chooseDesktopFolder({ platform: process.platform, env: process.env, current: app.getPath('userData') })
  app.setPath('userData', folder.userData)

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
    { here: dirname(fileURLToPath(import.meta.url)), env: process.env, argv: process.argv, notes: folder.notes },
  )
}
