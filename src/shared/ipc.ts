// The one contract between the desktop shell (src/main), its preload and the renderer. The preload turns
// it into `window.tack`; main registers one handler per invoke channel and validates every argument there.
// Nothing here imports node or electron: the renderer compiles against this file too.

/** Every IPC result: a value, or an error with a stable code (match the code, never the message). */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError }
export interface IpcError {
  code: IpcErrorCode
  message: string
}
export type IpcErrorCode = 'BAD_ARGUMENT' | 'FORBIDDEN' | 'NOT_FOUND' | 'NOT_READY' | 'CANCELLED' | 'FAILED'

/**
 * How to reach the core: HTTP at apiUrl. What `getConnection` hands the renderer is a one-time login token,
 * which it exchanges at `POST /api/session` for a session secret it keeps in memory and sends as
 * `Authorization: Bearer <secret>`. Inside the shell, token is its own credential, sent as a Bearer token.
 */
export interface Connection {
  apiUrl: string
  token: string
}

export type CoreState = 'starting' | 'running' | 'restarting' | 'stopping' | 'failed'

/** Pushed whenever the core's state or LAN sharing changes (after `running`, fetch the connection again). */
export interface StatusEvent {
  state: CoreState
  /** Human-readable, for a banner when state is `failed`. */
  message?: string
  lan: boolean
}

/** One file uploaded by main (from the native dialog or a drop on the window, dock or tray). */
export interface UploadEvent {
  /** The name the core stored it under (a folder's files keep their relative path). */
  name: string
  status: 'uploading' | 'done' | 'failed'
  cid?: string
  /** The gateway link to share (the LAN one while sharing is on). */
  link?: string
  error?: string
}

/** A download the window started (a gateway link); `id` is what revealDownload takes. */
export interface DownloadEvent {
  id: string
  name: string
  state: 'progressing' | 'completed' | 'cancelled' | 'interrupted'
}

export interface Settings {
  openAtLogin: boolean
  /** Serve the gateway (and only the gateway) on the LAN; the core's setting (`/api/settings`), mirrored. */
  lan: boolean
}

export type PickKind = 'files' | 'folder'

/** A backup archive main wrote where the user chose (mode 0600: it holds key hashes, link secrets, credentials). */
export interface SavedBackup {
  path: string
  bytes: number
}

/**
 * `window.tack`. Every method resolves (never rejects) with an IpcResult; `on*` return an unsubscribe.
 * Files dropped on the window that no renderer element handled (a drop zone that uploads them itself calls
 * event.preventDefault(), as it must anyway) are uploaded by main after the user confirms in main's own dialog;
 * their progress arrives through onUpload, like uploads picked with pickAndUpload or dropped on the dock or tray
 * icon. No method takes a path: main learns paths only from its open dialog, the OS (dock, tray) or the
 * preload's getPathForFile on a trusted drop.
 */
export interface TackApi {
  getConnection(): Promise<IpcResult<Connection>>
  /** Shows the native open dialog, then main streams the chosen files to the core. */
  pickAndUpload(kind: PickKind): Promise<IpcResult<UploadEvent[]>>
  revealDownload(id: string): Promise<IpcResult<void>>
  /** Opens an http(s) link in the user's browser; only while handling a click (user activation). */
  openLink(url: string): Promise<IpcResult<void>>
  appVersion(): Promise<IpcResult<string>>
  getSettings(): Promise<IpcResult<Settings>>
  /** Only right after a click or key press main saw itself (FORBIDDEN otherwise): a script cannot share on the LAN. */
  setSettings(patch: Partial<Settings>): Promise<IpcResult<Settings>>
  /**
   * Only right after a click: main shows its save dialog, then streams the core's `GET /api/export` into the
   * chosen file (0600). CANCELLED when the user closes the dialog.
   */
  saveBackup(): Promise<IpcResult<SavedBackup>>
  onStatus(listener: (event: StatusEvent) => void): () => void
  onUpload(listener: (event: UploadEvent) => void): () => void
  onDownload(listener: (event: DownloadEvent) => void): () => void
}

/** Request/response channels: the argument tuple and the value each answers with. */
export interface InvokeContract {
  'tack:get-connection': { args: []; value: Connection }
  'tack:pick-and-upload': { args: [kind: PickKind]; value: UploadEvent[] }
  'tack:reveal-download': { args: [id: string]; value: void }
  'tack:open-link': { args: [url: string]; value: void }
  'tack:app-version': { args: []; value: string }
  'tack:get-settings': { args: []; value: Settings }
  'tack:set-settings': { args: [patch: Partial<Settings>]; value: Settings }
  'tack:save-backup': { args: []; value: SavedBackup }
  /**
   * Sent by the preload itself (not exposed to the page): paths of what one trusted drop on the window gave
   * webUtils.getPathForFile. Main takes at most 256 normalised absolute paths of existing files or folders,
   * and uploads them only once the user confirms (CANCELLED otherwise).
   */
  'tack:dropped-paths': { args: [paths: string[]]; value: UploadEvent[] }
}
export type InvokeChannel = keyof InvokeContract

/** Main → renderer events. */
export interface EventContract {
  'tack:status': StatusEvent
  'tack:upload': UploadEvent
  'tack:download': DownloadEvent
}
export type EventChannel = keyof EventContract

export const INVOKE_CHANNELS = [
  'tack:get-connection',
  'tack:pick-and-upload',
  'tack:reveal-download',
  'tack:open-link',
  'tack:app-version',
  'tack:get-settings',
  'tack:set-settings',
  'tack:save-backup',
  'tack:dropped-paths',
] as const satisfies readonly InvokeChannel[]

export const EVENT_CHANNELS = ['tack:status', 'tack:upload', 'tack:download'] as const satisfies readonly EventChannel[]

export const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value })
export const fail = (code: IpcErrorCode, message: string): IpcResult<never> => ({ ok: false, error: { code, message } })
