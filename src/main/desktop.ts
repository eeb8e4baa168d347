// The desktop shell's composition root: given Electron's modules, it wires the core runner, the window,
// the tray, IPC, notifications, uploads and the log file. Each piece lives in its own file with its
// rules; this file only connects them, so index.ts can stay a few lines.
import type * as Electron from 'electron'
import { join } from 'node:path'
import type { CoreState, EventChannel, EventContract, Settings, UploadEvent } from '../shared/ipc.js'
import { configFromEnv, parseConfig, type Config } from './core/config.js'
import { createLogger } from './core/log.js'
import { createCoreRunner } from './core-runner.js'
import { createCoreHost, type CoreHost } from './core-host/parent.js'
import { utilityTransport } from './core-host/transport.js'
import { createRestartOffer } from './core-host/restart-offer.js'
import { createBackupSaver } from './backup.js'
import { trackDownloads } from './downloads.js'
import { IpcHandlerError, registerIpc } from './ipc.js'
import { createLanClient } from './lan.js'
import { acceptDroppedPaths, confirmMessage } from './dropped-paths.js'
import { appMenuTemplate } from './app-menu.js'
import { filesFromArgv } from './launch-files.js'
import { watchRendererHealth } from './renderer-health.js'
import { claimSingleInstance, createRevealQueue, describeStartError, installQuitHandler } from './lifecycle.js'
import { getOpenAtLogin, setOpenAtLogin, startedAtLogin } from './login-item.js'
import { openLogFile, teeSink } from './logs.js'
import { electronSqliteBinding } from './native-binding.js'
import { createNotifier, noticeFor, watchCoreEvents, type Notice } from './notifications.js'
import { APP_ENTRY, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './protocol.js'
import { loadSettings, saveSettings } from './settings.js'
import { createTray, type TrayHandle } from './tray.js'
import { TRAY_ICON_DATA_URL } from './tray-icon.js'
import { createDropBatcher, createUploader } from './uploads.js'
import { installSystemEndHandlers, SESSION_WINDOW_OPTIONS } from './session-end.js'
import {
  appPageMatcher,
  createGestureClock,
  createMainWindow,
  installPermissionGuards,
  revealWindow,
} from './window.js'
import { stat } from 'node:fs/promises'

export type ElectronModules = Pick<
  typeof Electron,
  | 'app'
  | 'BrowserWindow'
  | 'Menu'
  | 'Tray'
  | 'Notification'
  | 'utilityProcess'
  | 'clipboard'
  | 'dialog'
  | 'ipcMain'
  | 'nativeImage'
  | 'powerMonitor'
  | 'protocol'
  | 'session'
  | 'shell'
>

export interface DesktopInit {
  /** The folder of the built main bundle (out/main): preload and renderer sit beside it. */
  here: string
  env: NodeJS.ProcessEnv
  argv: string[]
  /** What happened before the log was open (the desktop folder's move), logged first. */
  notes?: string[]
}

const STATUS_TEXT: Record<CoreState, string> = {
  starting: 'Starting…',
  running: 'Running',
  restarting: 'Restarting…',
  stopping: 'Stopping…',
  failed: 'Failed',
}

/** electron-builder's appId: Windows groups the taskbar and shows notifications by it (NSIS shortcuts carry it). */
export const APP_USER_MODEL_ID = 'dev.tack.desktop'

export function runDesktop(electron: ElectronModules, init: DesktopInit): void {
  const { app, shell, dialog } = electron
  // Must happen before ready: the app:// scheme's privileges, the one-instance rule, the quit rule.
  electron.protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID)
  // A second launch is the way back to the window where no tray icon shows (Linux without a tray host).
  if (
    !claimSingleInstance(app, (argv, cwd) => {
      reveals.request()
      launchFiles.add(filesFromArgv(argv, cwd, app.isPackaged))
    })
  ) {
    app.quit()
    return
  }
  const userData = app.getPath('userData')
  const logFile = openLogFile(join(userData, 'logs'))
  const sink = app.isPackaged ? logFile.write : teeSink(logFile.write, (line) => process.stderr.write(line + '\n'))
  let config: Config | undefined
  let log = createLogger({ name: 'main', sink })
  for (const note of init.notes ?? []) log.info(note)
  const settingsFile = join(userData, 'settings.json')
  let settings = loadSettings(settingsFile)
  let lanOn = false
  const devServer = !app.isPackaged ? init.env.ELECTRON_RENDERER_URL : undefined
  const isAppPage = appPageMatcher(devServer)
  let win: Electron.BrowserWindow | undefined
  let tray: TrayHandle | undefined
  let lastLink: string | undefined
  let stopExtras = () => {}
  // The shell is ready to show the window once onReady has registered app:// and the core runs.
  let shellReady = false
  const reveals = createRevealQueue({
    ready: () => shellReady && app.isReady() && runner.state === 'running',
    reveal: () => revealOrCreate(),
  })
  const gestures = createGestureClock()
  const loginCtx = () => ({ platform: process.platform, env: init.env, execPath: process.execPath, log })

  const send = <C extends EventChannel>(channel: C, payload: EventContract[C]) => {
    if (win && !win.isDestroyed()) win.webContents.send(channel, payload)
  }
  const sendStatus = (error?: unknown) =>
    send('tack:status', { state: runner.state, lan: lanOn, message: error ? String(error) : undefined })
  // The core runs in a utility process of its own (core-host/): SQLite, HTTP and Kubo's supervision never hold up
  // this thread's windows, tray and menus. Its log lines come back over the channel into this log.
  const runner = createCoreRunner<CoreHost>({
    make: () =>
      createCoreHost({
        config: config!,
        spawn: () =>
          utilityTransport({
            utilityProcess: electron.utilityProcess,
            entry: join(init.here, 'core-host.js'),
            env: init.env,
          }),
        sink,
        log,
      }),
    onState: (state, error) => {
      if (error) log.error('core failed', { error: String(error) })
      offerRestart(state, error)
      if (state !== 'running') lanOn = false
      sendStatus(error)
      tray?.refresh()
      if (state === 'running') reveals.flush()
    },
  })
  // The core's process died after it ran: the window hears `failed` (sendStatus above) and a dialog offers a restart.
  const offerRestart = createRestartOffer({
    ask: async (detail) => {
      const options = {
        type: 'error' as const,
        message: 'Tack stopped unexpectedly',
        detail: `${detail}\n\nNothing you stored is lost. Restart Tack's service now?`,
        buttons: ['Restart', 'Open logs', 'Quit'],
        defaultId: 0,
        cancelId: 1,
      }
      const { response } =
        win && !win.isDestroyed() ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options)
      return (['restart', 'logs', 'quit'] as const)[response] ?? 'logs'
    },
    restart: () => runner.start(),
    openLogs: () => void shell.openPath(logFile.path),
    quit: () => app.quit(),
    log,
  })
  const lan = createLanClient({ fetch, connection: () => runner.connection() })
  const refreshLan = async () => {
    lanOn = await lan.get()
    sendStatus()
    tray?.refresh()
  }
  // Every way out (menu, tray, Cmd+Q, OS shutdown, logout, session end, signals, an installer) awaits this.
  const quit = installQuitHandler(app, {
    stop: async () => {
      stopExtras()
      await runner.stop()
    },
    onQuitting: () => log.info('quit requested'),
    log,
    platform: process.platform,
  })
  // The Dock icon clicked with no window showing (macOS).
  app.on('activate', () => reveals.request())
  app.on('window-all-closed', () => {
    // Keep running in the tray: a listener here stops Electron's default quit.
  })

  // Electron keeps no reference to a shown notification: one Tack dropped would be collected, and its click
  // lost. Held until clicked or closed (a few at most: some systems never report a close).
  const shownNotices = new Set<Electron.Notification>()
  const showNotice = createNotifier({
    show: (notice: Notice) => {
      if (!electron.Notification.isSupported()) return
      const n = new electron.Notification({ title: notice.title, body: notice.body, silent: true })
      const forget = () => shownNotices.delete(n)
      n.on('click', () => (forget(), reveals.request()))
      n.on('close', forget)
      n.on('failed', forget)
      shownNotices.add(n)
      if (shownNotices.size > 20) shownNotices.delete(shownNotices.values().next().value!)
      n.show()
    },
  })
  const remember = (cid: string | undefined, link?: string) => {
    const conn = runner.connection()
    if (link) lastLink = link
    else if (cid && conn) lastLink = `${conn.apiUrl}/api/gateway/${cid}`
    tray?.refresh()
  }
  const upload = createUploader({
    fetch,
    connection: () => runner.connection(),
    emit: (event: UploadEvent) => {
      send('tack:upload', event)
      const notice = noticeFor({ type: 'file', ...event })
      if (notice) showNotice(notice)
      if (event.status === 'done') remember(event.cid, event.link)
    },
  })
  const uploadLater = createDropBatcher({ upload, ready: () => runner.state === 'running' })
  /** Paths someone else names (the window's drop, a launch's arguments): uploaded only once the user agrees. */
  const confirmThenUpload = async (paths: string[]) =>
    upload(
      await acceptDroppedPaths(paths, {
        stat,
        confirm: async (names, count) => {
          const options = {
            type: 'question' as const,
            ...confirmMessage(names, count),
            buttons: ['Add to IPFS', 'Cancel'],
            defaultId: 0,
            cancelId: 1,
          }
          const answer = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options)
          return answer.response === 0
        },
      }),
    )
  // Files handed to a launch (this one, a second one, macOS 'open-file'), uploaded like a drop once the core runs.
  const launchFiles = createDropBatcher({
    upload: (paths) =>
      confirmThenUpload(paths).catch((err: unknown) => {
        log.warn('files passed at launch were not uploaded', { error: String(err) })
        return []
      }),
    ready: () => runner.state === 'running',
  })
  app.on('open-file', (event, path) => {
    event.preventDefault()
    launchFiles.add([path])
  })
  launchFiles.add(filesFromArgv(init.argv, process.cwd(), app.isPackaged))

  function revealOrCreate() {
    if (win && !win.isDestroyed()) return revealWindow(win)
    win = createMainWindow({
      create: (options) => new electron.BrowserWindow(options),
      preload: join(init.here, '../preload/index.cjs'),
      entryUrl: devServer ?? APP_ENTRY,
      quitting: () => quit.quitting,
      // Synchronous, as Electron's own example: the unload waits for the answer.
      confirmLeave: () =>
        dialog.showMessageBoxSync({
          type: 'question',
          message: 'Uploads are still running',
          detail: 'Leaving this page stops them; what was not finished is not kept.',
          buttons: ['Leave anyway', 'Stay'],
          defaultId: 1,
          cancelId: 1,
        }) === 0,
      isAppPage,
      openExternal: (url) => shell.openExternal(url),
      gestures,
      log,
    })
    watchRendererHealth(win, {
      askWhenHung: async () => {
        const { response } = await dialog.showMessageBox({
          type: 'warning',
          message: "Tack's window is not responding",
          detail: 'Wait for it, or reload the window (what the page was doing is lost; uploads in main carry on).',
          buttons: ['Wait', 'Reload'],
          defaultId: 0,
          cancelId: 0,
        })
        return response === 1 ? 'reload' : 'wait'
      },
      onGiveUp: (details) =>
        dialog.showErrorBox(
          "Tack's window keeps crashing",
          `Reason: ${details.reason}. Details are in the log: ${logFile.path}`,
        ),
      log,
    })
  }

  const currentSettings = (): Settings => ({ ...settings, lan: lanOn })
  const applySettings = async (patch: Partial<Settings>): Promise<Settings> => {
    if (patch.openAtLogin !== undefined && patch.openAtLogin !== settings.openAtLogin) {
      settings = { ...settings, openAtLogin: patch.openAtLogin }
      saveSettings(settingsFile, settings)
      setOpenAtLogin(app, settings.openAtLogin, loginCtx())
    }
    if (patch.lan !== undefined && patch.lan !== lanOn) {
      // The core switches its LAN listener at run time and remembers the choice.
      try {
        lanOn = await lan.set(patch.lan)
      } catch (err) {
        log.warn('LAN sharing could not be switched', { error: String(err) })
        throw new IpcHandlerError('FAILED', `LAN sharing could not be switched: ${String(err)}`)
      } finally {
        sendStatus()
      }
    }
    tray?.refresh()
    return currentSettings()
  }

  async function onReady() {
    electron.Menu.setApplicationMenu(
      electron.Menu.buildFromTemplate(
        appMenuTemplate({
          platform: process.platform,
          packaged: app.isPackaged,
          openLogs: () => void shell.openPath(logFile.path),
          about: () =>
            void dialog.showMessageBox({ type: 'info', message: 'Tack', detail: `Version ${app.getVersion()}` }),
        }),
      ),
    )
    // First, so a shutdown or logout while Kubo is still starting is handled too (powerMonitor needs ready).
    installSystemEndHandlers({
      platform: process.platform,
      powerMonitor: { on: (event, listener) => electron.powerMonitor.on(event, listener as () => void) },
      signals: process,
      createSessionWindow: () => new electron.BrowserWindow(SESSION_WINDOW_OPTIONS),
      quit,
      log,
    })
    try {
      config = parseConfig(
        configFromEnv(init.env, {
          dataDir: join(userData, 'data'),
          resourcesPath: process.resourcesPath,
          sqliteBinding: electronSqliteBinding({
            packaged: app.isPackaged,
            resourcesPath: process.resourcesPath,
            appRoot: join(init.here, '..', '..'),
            abi: process.versions.modules,
            platform: process.platform,
            arch: process.arch,
          }),
        }),
      )
      log = createLogger({ name: 'main', level: config.logLevel, sink })
      log.info('starting', { version: app.getVersion(), dataDir: config.dataDir })
      await runner.start()
    } catch (err) {
      log.error('start failed', { error: String(err) })
      const failure = describeStartError(err, {
        port: config?.port ?? 7575,
        dataDir: config?.dataDir ?? userData,
        logPath: logFile.path,
      })
      const { response } = await dialog.showMessageBox({
        type: 'error',
        ...failure,
        buttons: ['Quit', 'Open logs'],
        defaultId: 0,
        cancelId: 0,
      })
      if (response === 1) await shell.openPath(logFile.path)
      app.quit()
      return
    }
    // What the OS says wins over what Tack last wrote: the user may have removed it in the OS's settings.
    const registered = getOpenAtLogin(app, loginCtx())
    if (registered !== undefined && registered !== settings.openAtLogin) {
      settings = { ...settings, openAtLogin: registered }
      saveSettings(settingsFile, settings)
    }
    const session = electron.session.defaultSession
    electron.protocol.handle(
      APP_SCHEME,
      appProtocolHandler({
        rendererDir: join(init.here, '../renderer'),
        apiUrl: () => runner.connection()?.apiUrl ?? '',
      }),
    )
    installPermissionGuards(session, isAppPage)
    const downloads = trackDownloads(session, (event) => send('tack:download', event))
    const saveBackup = createBackupSaver({
      fetch,
      connection: () => runner.connection(),
      choosePath: async (name) => {
        const options: Electron.SaveDialogOptions = {
          title: 'Save a backup of Tack',
          defaultPath: join(app.getPath('documents'), name),
          filters: [{ name: 'Tack backup', extensions: ['tar'] }],
        }
        const chosen = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
        return chosen.canceled ? undefined : chosen.filePath
      },
    })
    const unregister = registerIpc(
      electron.ipcMain,
      {
        'tack:get-connection': async () => (await runner.rendererConnection()) ?? fail('NOT_READY', 'Tack is starting'),
        'tack:pick-and-upload': async (kind) => {
          const options: Electron.OpenDialogOptions = {
            properties: kind === 'folder' ? ['openDirectory'] : ['openFile', 'multiSelections'],
          }
          const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
          if (picked.canceled || picked.filePaths.length === 0) return fail('CANCELLED', 'nothing chosen')
          return upload(picked.filePaths)
        },
        'tack:reveal-download': (id) =>
          shell.showItemInFolder(downloads.savePathOf(id) ?? fail('NOT_FOUND', 'no such download')),
        // The preload checks the page's user activation; main checks its own record of real input too.
        'tack:open-link': (url) =>
          gestures.active() ? shell.openExternal(url) : fail('FORBIDDEN', 'links open only from a click'),
        'tack:app-version': () => app.getVersion(),
        'tack:get-settings': () => currentSettings(),
        // LAN sharing and login items change only when the user just clicked, never from a script alone.
        'tack:set-settings': (patch) =>
          gestures.active() ? applySettings(patch) : fail('FORBIDDEN', 'settings change only from a click'),
        'tack:save-backup': () =>
          gestures.active() ? saveBackup() : fail('FORBIDDEN', 'a backup starts only from a click'),
        'tack:dropped-paths': (paths) => confirmThenUpload(paths),
      },
      { windowContentsId: () => (win && !win.isDestroyed() ? win.webContents.id : undefined), isAppPage, log },
    )
    const watcher = watchCoreEvents({
      fetch,
      connection: () => runner.connection(),
      onEvent: (payload, event) => {
        // Another client (the window, a browser) may have switched LAN sharing; a settings event says so.
        if ((payload as { type?: unknown } | null)?.type === 'settings' || event === 'settings') void refreshLan()
        const notice = noticeFor(payload, event)
        if (!notice) return
        showNotice(notice)
        if (notice.ok) remember(notice.cid)
      },
      log,
    })
    const icon = electron.nativeImage.createFromDataURL(TRAY_ICON_DATA_URL)
    if (process.platform === 'darwin') icon.setTemplateImage(true)
    tray = createTray({
      create: () => new electron.Tray(icon),
      buildMenu: (template) => electron.Menu.buildFromTemplate(template),
      state: () => ({
        status: STATUS_TEXT[runner.state] + (lanOn ? ' · shared on the LAN' : ''),
        lastLink,
        lan: lanOn,
        openAtLogin: settings.openAtLogin,
      }),
      actions: {
        open: () => revealOrCreate(),
        copyLastLink: () => lastLink && electron.clipboard.writeText(lastLink),
        setLan: (on) =>
          void applySettings({ lan: on }).catch((err: unknown) =>
            dialog.showErrorBox('LAN sharing', err instanceof Error ? err.message : String(err)),
          ),
        setOpenAtLogin: (on) => void applySettings({ openAtLogin: on }),
        openLogs: () => void shell.openPath(logFile.path),
        quit: () => app.quit(),
      },
      onDropFiles: (paths) => uploadLater.add(paths),
    })
    stopExtras = () => {
      watcher.stop()
      unregister()
      tray?.destroy()
      tray = undefined
    }
    await refreshLan()
    uploadLater.flush()
    launchFiles.flush()
    shellReady = true
    // Started by the OS at login (--hidden on Windows and Linux; macOS reports it): stay in the tray.
    if (!startedAtLogin(app, { platform: process.platform }, init.argv)) reveals.request()
    else reveals.flush()
  }

  void app.whenReady().then(onReady)
}

/** Throws the contract error a handler means (typed `never`, so it fits any handler's return type). */
function fail(code: IpcHandlerError['code'], message: string): never {
  throw new IpcHandlerError(code, message)
}
