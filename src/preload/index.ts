// The preload builds window.tack from the IPC contract in src/shared and exposes nothing else. It runs
// sandboxed, so it is bundled as CommonJS (see electron.vite.config.ts) and may only use electron's
// renderer modules (contextBridge, ipcRenderer, webUtils).
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { createTackApi, installDropUpload, type DropTarget } from './api.js'

// The DOM globals this file touches, typed narrowly (the node project type-checks it, without the DOM lib).
const page = globalThis as unknown as {
  navigator: { userActivation?: { isActive: boolean } }
  window: DropTarget
}

contextBridge.exposeInMainWorld(
  'tack',
  createTackApi(ipcRenderer, () => page.navigator.userActivation?.isActive ?? false),
)
installDropUpload(page.window, ipcRenderer, (file) =>
  webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]),
)
