// The Electron shell: app lifecycle only. The service itself is src/main/core, wired by createCore.
import { app, BrowserWindow } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { configFromEnv, parseConfig } from './core/config.js'
import { createCore, type Core } from './core/index.js'
import { createLogger } from './core/log.js'

let core: Core | undefined
const here = dirname(fileURLToPath(import.meta.url))

async function onReady() {
  const log = createLogger({ name: 'main' })
  const config = parseConfig(
    configFromEnv(process.env, { dataDir: join(app.getPath('userData'), 'data'), resourcesPath: process.resourcesPath }),
  )
  core = createCore(config, log)
  await core.start()
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    webPreferences: {
      preload: join(here, '../preload/index.js'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    },
  })
  await win.loadFile(join(here, '../renderer/index.html'))
}

app.on('before-quit', (event) => {
  if (!core) return
  event.preventDefault()
  const stopping = core
  core = undefined
  void stopping.stop().finally(() => app.exit(0))
})

void app.whenReady().then(onReady)
