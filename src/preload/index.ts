// The preload builds window.tack from the IPC contract in src/shared; it exposes nothing else.
import { contextBridge } from 'electron'

contextBridge.exposeInMainWorld('tack', { platform: process.platform })
