// A recording stand-in for the parts of Electron the shell uses (src/main/index.ts), resolved in place of
// `electron` by hooks.mjs. It behaves as Electron documents where the shell depends on it (before-quit can be
// held with preventDefault, quit and exit end the process, single-instance lock), records every call
// (recorder.mjs) and lets the test drive events through driver.mjs.
import { fork } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { record, recordAndExit } from './recorder.mjs'
import { answer, installDriver } from './driver.mjs'

const env = process.env
const switchValue = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? ''

const preventable = (what) => {
  const event = {
    defaultPrevented: false,
    preventDefault: () => ((event.defaultPrevented = true), record(`${what}.preventDefault`)),
  }
  return event
}

class App extends EventEmitter {
  isPackaged = env.TACK_HARNESS_PACKAGED === '1'
  commandLine = { getSwitchValue: switchValue, hasSwitch: (n) => process.argv.includes(`--${n}`) }
  #paths = { userData: join(tmpdir(), 'tack-harness-userdata'), documents: tmpdir(), home: tmpdir(), temp: tmpdir() }
  #ready = false
  #login = { openAtLogin: false, wasOpenedAtLogin: env.TACK_HARNESS_OPENED_AT_LOGIN === '1' }
  constructor() {
    super()
    setImmediate(() => {
      this.#ready = true
      record('app.ready')
      this.emit('ready')
    })
  }
  setPath(name, value) {
    record('app.setPath', { name, value })
    this.#paths[name] = value
  }
  getPath(name) {
    return this.#paths[name]
  }
  getVersion() {
    return JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')).version
  }
  getName() {
    return 'Tack'
  }
  isReady() {
    return this.#ready
  }
  whenReady() {
    return this.#ready ? Promise.resolve() : new Promise((r) => this.once('ready', () => r()))
  }
  requestSingleInstanceLock() {
    record('app.requestSingleInstanceLock')
    return env.TACK_HARNESS_LOCK_HELD !== '1'
  }
  setAppUserModelId(id) {
    record('app.setAppUserModelId', { id })
  }
  setAboutPanelOptions(options) {
    record('app.setAboutPanelOptions', { options })
  }
  setLoginItemSettings(settings) {
    record('app.setLoginItemSettings', { settings })
    this.#login = { ...this.#login, ...settings }
  }
  getLoginItemSettings(options) {
    record('app.getLoginItemSettings', { options })
    return { ...this.#login }
  }
  quit() {
    record('app.quit')
    const event = preventable('before-quit')
    this.emit('before-quit', event)
    if (event.defaultPrevented) return
    const will = preventable('will-quit')
    this.emit('will-quit', will)
    if (will.defaultPrevented) return
    this.emit('quit')
    recordAndExit(0)
  }
  exit(code = 0) {
    recordAndExit(code)
  }
  focus(options) {
    record('app.focus', { options })
  }
}

export const app = new App()
let nextId = 1
export const windows = []

class WebContents extends EventEmitter {
  id = nextId++
  url = ''
  #destroyed = false
  #openHandler
  setWindowOpenHandler(handler) {
    this.#openHandler = handler
    record('webContents.setWindowOpenHandler', { id: this.id })
  }
  openHandler() {
    return this.#openHandler
  }
  async loadURL(url) {
    record('webContents.loadURL', { id: this.id, url })
    this.url = url
    const handler = protocols.get(new URL(url).protocol.slice(0, -1))
    const res = handler ? await handler({ url, method: 'GET' }) : undefined
    const body = res ? await res.text() : ''
    record('webContents.loaded', {
      id: this.id,
      url,
      status: res?.status,
      contentType: res?.headers.get('content-type'),
      csp: res?.headers.get('content-security-policy'),
      title: body.match(/<title>([^<]*)/)?.[1],
    })
    this.emit('did-finish-load')
  }
  getURL() {
    return this.url
  }
  reload() {
    record('webContents.reload', { id: this.id })
    void this.loadURL(this.url)
  }
  send(channel, payload) {
    record('webContents.send', { id: this.id, channel, payload })
  }
  isDestroyed() {
    return this.#destroyed
  }
  destroy() {
    this.#destroyed = true
  }
  isCrashed() {
    return false
  }
  openDevTools() {
    record('webContents.openDevTools', { id: this.id })
  }
  forcefullyCrashRenderer() {
    record('webContents.forcefullyCrashRenderer', { id: this.id })
    setImmediate(() => this.emit('render-process-gone', {}, { reason: 'killed', exitCode: 9 }))
  }
  focus() {}
}

export class BrowserWindow extends EventEmitter {
  #visible = false
  #destroyed = false
  constructor(options = {}) {
    super()
    this.webContents = new WebContents()
    this.id = this.webContents.id
    this.options = options
    windows.push(this)
    record('BrowserWindow.new', { id: this.id, options })
    if (options.show !== false) this.#visible = true
    this.webContents.on('did-finish-load', () => this.emit('ready-to-show'))
  }
  static getAllWindows() {
    return windows.filter((w) => !w.isDestroyed())
  }
  loadURL(url) {
    return this.webContents.loadURL(url)
  }
  show() {
    record('window.show', { id: this.id })
    this.#visible = true
  }
  hide() {
    record('window.hide', { id: this.id })
    this.#visible = false
  }
  focus() {
    record('window.focus', { id: this.id })
  }
  isVisible() {
    return this.#visible
  }
  isMinimized() {
    return false
  }
  restore() {
    record('window.restore', { id: this.id })
  }
  isDestroyed() {
    return this.#destroyed
  }
  close() {
    const event = preventable('window.close')
    this.emit('close', event)
    if (!event.defaultPrevented) this.destroy()
  }
  destroy() {
    record('window.destroy', { id: this.id })
    this.#destroyed = true
    this.webContents.destroy()
    this.emit('closed')
  }
  setMenu(menu) {
    record('window.setMenu', { id: this.id, menu: menu?.template })
  }
  setMenuBarVisibility(on) {
    record('window.setMenuBarVisibility', { id: this.id, on })
  }
}

export const protocols = new Map()
export const protocol = {
  registerSchemesAsPrivileged: (schemes) => record('protocol.registerSchemesAsPrivileged', { schemes }),
  handle: (scheme, handler) => (record('protocol.handle', { scheme }), protocols.set(scheme, handler)),
  unhandle: (scheme) => (record('protocol.unhandle', { scheme }), protocols.delete(scheme)),
  isProtocolHandled: (scheme) => protocols.has(scheme),
}

class Session extends EventEmitter {
  handlers = {}
  setPermissionRequestHandler(h) {
    record('session.setPermissionRequestHandler')
    this.handlers.request = h
  }
  setPermissionCheckHandler(h) {
    record('session.setPermissionCheckHandler')
    this.handlers.check = h
  }
}
export const session = { defaultSession: new Session() }

export const handlers = new Map()
export const ipcMain = Object.assign(new EventEmitter(), {
  handle: (channel, fn) => (record('ipcMain.handle', { channel }), handlers.set(channel, fn)),
  removeHandler: (channel) => (record('ipcMain.removeHandler', { channel }), handlers.delete(channel)),
})

export class Menu {
  constructor(template = []) {
    this.template = template
    this.items = template
  }
  static buildFromTemplate(template) {
    record('Menu.buildFromTemplate', { template })
    return new Menu(template)
  }
  static setApplicationMenu(menu) {
    record('Menu.setApplicationMenu', { template: menu?.template ?? null })
    Menu.current = menu
  }
  static getApplicationMenu() {
    return Menu.current ?? null
  }
}

export const trays = []
export class Tray extends EventEmitter {
  constructor(_image) {
    super()
    trays.push(this)
    record('Tray.new')
  }
  setToolTip(text) {
    record('tray.setToolTip', { text })
  }
  setContextMenu(menu) {
    record('tray.setContextMenu', { template: menu?.template })
    this.menu = menu
  }
  setImage() {}
  destroy() {
    record('tray.destroy')
  }
}

// Electron keeps no reference to a Notification object once shown: an app that drops its own loses the
// click. The stand-in holds only weak references, so a collected one is seen (driver 'gc', 'click-notification').
export const notifications = []
const collected = new FinalizationRegistry((n) => record('notification.collected', { n }))
export class Notification extends EventEmitter {
  static isSupported() {
    return true
  }
  constructor(options) {
    super()
    this.n = notifications.length
    notifications.push(new WeakRef(this))
    collected.register(this, this.n)
    record('Notification.new', { n: this.n, options })
  }
  show() {
    record('notification.show', { n: this.n })
  }
  close() {
    record('notification.close', { n: this.n })
    this.emit('close')
  }
}

export const dialog = {
  showMessageBox: async (win, options) => {
    options = options ?? win
    const response = answer('messageBox', options.defaultId ?? 0)
    record('dialog.showMessageBox', { options, response })
    return { response, checkboxChecked: false }
  },
  showMessageBoxSync: (win, options) => {
    options = options ?? win
    const response = answer('messageBox', options.defaultId ?? 0)
    record('dialog.showMessageBoxSync', { options, response })
    return response
  },
  showSaveDialog: async (win, options) => {
    const filePath = answer('save', undefined)
    record('dialog.showSaveDialog', { options: options ?? win, filePath })
    return filePath ? { canceled: false, filePath } : { canceled: true, filePath: '' }
  },
  showOpenDialog: async (win, options) => {
    const filePaths = answer('open', [])
    record('dialog.showOpenDialog', { options: options ?? win, filePaths })
    return { canceled: filePaths.length === 0, filePaths }
  },
  showErrorBox: (title, content) => record('dialog.showErrorBox', { title, content }),
}

export const shell = {
  openExternal: async (url) => record('shell.openExternal', { url }),
  openPath: async (path) => (record('shell.openPath', { path }), ''),
  showItemInFolder: (path) => record('shell.showItemInFolder', { path }),
}
export const clipboard = { writeText: (text) => record('clipboard.writeText', { text }) }
const image = { setTemplateImage: (on) => record('nativeImage.setTemplateImage', { on }), isEmpty: () => false }
export const nativeImage = { createFromDataURL: () => image, createFromPath: () => image, createEmpty: () => image }
export const powerMonitor = new EventEmitter()
export const net = { fetch: (...args) => fetch(...args) }
export const webContents = { getAllWebContents: () => windows.map((w) => w.webContents) }

// utilityProcess.fork as Electron documents it (postMessage, 'message', 'exit' with a code, kill, pid), over
// a plain Node child with an IPC channel: the core's entry (core-host/child.ts) serves process.send there.
// The child runs with this process's flags, so the hooks (no real electron, no system better-sqlite3) hold.
export const utilityProcess = {
  fork(modulePath, args = [], options = {}) {
    record('utilityProcess.fork', { modulePath, args, serviceName: options.serviceName })
    const child = fork(modulePath, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    })
    const proc = new EventEmitter()
    child.on('error', () => {})
    child.on('spawn', () => proc.emit('spawn'))
    child.on('message', (message) => proc.emit('message', message))
    child.once('exit', (code, signal) => {
      record('utilityProcess.exit', { code, signal })
      proc.emit('exit', code ?? 1)
    })
    return Object.assign(proc, {
      get pid() {
        return child.exitCode === null && child.signalCode === null ? child.pid : undefined
      },
      postMessage: (message) => child.connected && child.send(message, () => {}),
      kill: () => child.kill('SIGTERM'),
    })
  },
}

installDriver()
export default {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  net,
  Notification,
  powerMonitor,
  protocol,
  session,
  shell,
  Tray,
  utilityProcess,
  webContents,
}
