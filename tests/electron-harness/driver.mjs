// The test's side door into the stand-in: requests arrive as IPC messages {id, op, ...} and are answered
// {type: 'reply', id, ok, value | error}. Ops emit Electron events, invoke IPC handlers as a chosen sender
// frame, queue dialog answers and read state the record cannot show (a notification still alive).
import { record } from './recorder.mjs'
import * as electron from './electron-stand-in.mjs'

const answers = new Map()

/** The next queued answer for a dialog of this kind, or the fallback (the dialog's default button). */
export function answer(kind, fallback) {
  const queue = answers.get(kind)
  return queue?.length ? queue.shift() : fallback
}

const preventable = (what) => {
  const event = {
    defaultPrevented: false,
    preventDefault: () => ((event.defaultPrevented = true), record(`${what}.preventDefault`)),
  }
  return event
}

const mainWindow = () => electron.windows.find((w) => w.options.webPreferences?.preload && !w.isDestroyed())

function target(name) {
  if (name === 'app') return electron.app
  if (name === 'powerMonitor') return electron.powerMonitor
  if (name === 'window') return mainWindow()
  if (name === 'webContents') return mainWindow()?.webContents
  if (name === 'sessionWindow') return electron.windows.find((w) => !w.options.webPreferences?.preload)
  throw new Error(`no target ${name}`)
}

const ops = {
  answers: ({ kind, values }) => void answers.set(kind, [...(answers.get(kind) ?? []), ...values]),
  emit: ({ target: name, event, args = [], withEvent = true }) => {
    const emitter = target(name)
    if (!emitter) throw new Error(`${name} does not exist`)
    const ev = preventable(`${name}.${event}`)
    emitter.emit(event, ...(withEvent ? [ev] : []), ...args)
    return { defaultPrevented: ev.defaultPrevented }
  },
  invoke: async ({ channel, args = [], frame, senderId }) => {
    const handler = electron.handlers.get(channel)
    if (!handler) throw new Error(`no handler for ${channel}`)
    const win = mainWindow()
    const event = {
      sender: { id: senderId ?? win?.webContents.id ?? -1 },
      senderFrame: frame === null ? null : { url: win?.webContents.url ?? '', parent: null, ...frame },
    }
    return handler(event, ...args)
  },
  quit: () => electron.app.quit(),
  close: () => mainWindow()?.close(),
  gc: () => {
    globalThis.gc?.()
    return { gc: typeof globalThis.gc === 'function' }
  },
  'click-notification': ({ n }) => {
    const notification = electron.notifications[n]?.deref()
    if (!notification) return { collected: true }
    notification.emit('click', preventable('notification.click'))
    return { collected: false }
  },
  windows: () =>
    electron.windows.map((w) => ({
      id: w.id,
      url: w.webContents.url,
      visible: w.isVisible(),
      destroyed: w.isDestroyed(),
      main: w === mainWindow(),
    })),
  'app-menu': () => electron.Menu.getApplicationMenu()?.template ?? null,
}

export function installDriver() {
  process.on('message', async (msg) => {
    if (!msg || typeof msg !== 'object' || !(msg.op in ops)) return
    try {
      const value = await ops[msg.op](msg)
      process.send?.({ type: 'reply', id: msg.id, ok: true, value: JSON.parse(JSON.stringify(value ?? null)) })
    } catch (err) {
      process.send?.({ type: 'reply', id: msg.id, ok: false, error: String(err?.stack ?? err) })
    }
  })
  // The channel must not keep the process alive by itself: Electron's lifetime is the app's, not the test's.
  process.channel?.unref()
}
