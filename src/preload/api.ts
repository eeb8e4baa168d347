// window.tack, built from the contract with the electron pieces passed in, so tests hand in a fake.
// Listeners never see the IpcRendererEvent: it would give the page a handle on ipcRenderer.
import {
  fail,
  type EventChannel,
  type EventContract,
  type InvokeChannel,
  type InvokeContract,
  type IpcResult,
  type TackApi,
} from '../shared/ipc.js'

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown
}

export function createTackApi(ipc: IpcRendererLike, hasUserActivation: () => boolean): TackApi {
  const invoke = async <C extends InvokeChannel>(
    channel: C,
    ...args: InvokeContract[C]['args']
  ): Promise<IpcResult<InvokeContract[C]['value']>> => {
    try {
      return (await ipc.invoke(channel, ...args)) as IpcResult<InvokeContract[C]['value']>
    } catch (err) {
      return fail('FAILED', err instanceof Error ? err.message : String(err))
    }
  }
  const subscribe =
    <C extends EventChannel>(channel: C) =>
    (listener: (event: EventContract[C]) => void) => {
      const wrapped = (_event: unknown, payload: unknown) => listener(payload as EventContract[C])
      ipc.on(channel, wrapped)
      return () => void ipc.removeListener(channel, wrapped)
    }
  return {
    getConnection: () => invoke('tack:get-connection'),
    pickAndUpload: (kind) => invoke('tack:pick-and-upload', kind),
    revealDownload: (id) => invoke('tack:reveal-download', id),
    // Checked here, where the page's user activation is visible: a script cannot open links on its own.
    openLink: async (url) =>
      hasUserActivation() ? invoke('tack:open-link', url) : fail('FORBIDDEN', 'links open only from a click'),
    appVersion: () => invoke('tack:app-version'),
    getSettings: () => invoke('tack:get-settings'),
    setSettings: (patch) => invoke('tack:set-settings', patch),
    saveBackup: async () =>
      hasUserActivation() ? invoke('tack:save-backup') : fail('FORBIDDEN', 'a backup starts only from a click'),
    onStatus: subscribe('tack:status'),
    onUpload: subscribe('tack:upload'),
    onDownload: subscribe('tack:download'),
  }
}

// The few DOM shapes used here, spelled out: the preload is type-checked with the node project (no DOM lib).
export interface DropEventLike {
  readonly isTrusted: boolean
  readonly defaultPrevented: boolean
  readonly dataTransfer: { readonly files: ArrayLike<unknown> } | null
  preventDefault(): void
}
export interface DropTarget {
  addEventListener(type: 'dragover' | 'drop', listener: (event: DropEventLike) => void): void
}

/**
 * Files dropped anywhere on the window go to main, which uploads them from disk. Only trusted (user) drops
 * that no page element handled count, and the page never gets a way to send paths itself.
 */
export function installDropUpload(target: DropTarget, ipc: IpcRendererLike, pathOf: (file: unknown) => string): void {
  // Without this the drop event never fires, and Chromium would navigate to the file instead.
  target.addEventListener('dragover', (event) => event.preventDefault())
  target.addEventListener('drop', (event) => {
    if (!event.isTrusted || event.defaultPrevented) return
    event.preventDefault()
    const paths = Array.from(event.dataTransfer?.files ?? [])
      .map((file) => pathOf(file))
      .filter((p) => p !== '')
    if (paths.length > 0) void ipc.invoke('tack:dropped-paths', paths).catch(() => {})
  })
}
