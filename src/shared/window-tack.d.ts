// `window.tack` exists in the desktop app only (the preload adds it); in a browser (headless `tack serve`)
// it is undefined, so the renderer checks before using it.
import type { TackApi } from './ipc.js'

declare global {
  interface Window {
    tack?: TackApi
  }
}

export {}
