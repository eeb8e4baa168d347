// Main's side of the IPC contract (src/shared/ipc.ts): one handler per channel, registered in one place.
// Before a handler runs, the sender must be the app's own window showing the app's own page (not a frame,
// not another page it was navigated to), and the arguments must match the channel's schema. Handlers never
// throw across IPC: every answer is an IpcResult.
import { z } from 'zod'
import { fail, INVOKE_CHANNELS, ok, type InvokeChannel, type InvokeContract, type IpcResult } from '../shared/ipc.js'
import { IpcHandlerError } from './ipc-error.js'
import { isWellFormedDroppedPath, MAX_DROPPED_ITEMS } from './dropped-paths.js'
import { isExternalHttpUrl } from './window.js'

export { IpcHandlerError }

const settingsPatch = z.object({ openAtLogin: z.boolean().optional(), lan: z.boolean().optional() }).strict()

/** The arguments each channel accepts. Anything else is refused before a handler sees it. */
export const ARGUMENT_SCHEMAS: Record<InvokeChannel, z.ZodType> = {
  'tack:get-connection': z.tuple([]),
  'tack:pick-and-upload': z.tuple([z.enum(['files', 'folder'])]),
  'tack:reveal-download': z.tuple([z.string().regex(/^[A-Za-z0-9-]{1,64}$/)]),
  'tack:open-link': z.tuple([z.string().max(4096).refine(isExternalHttpUrl, 'only http(s) links')]),
  'tack:app-version': z.tuple([]),
  'tack:get-settings': z.tuple([]),
  'tack:set-settings': z.tuple([settingsPatch]),
  // No argument: the path comes from main's own save dialog, never from the page.
  'tack:save-backup': z.tuple([]),
  // Only what one drop on the window gives (see dropped-paths.ts: the handler also asks the user).
  'tack:dropped-paths': z.tuple([
    z
      .array(z.string().refine(isWellFormedDroppedPath, 'absolute, normalised paths only'))
      .min(1)
      .max(MAX_DROPPED_ITEMS),
  ]),
}

export type IpcHandlers = {
  [C in InvokeChannel]: (
    ...args: InvokeContract[C]['args']
  ) => Promise<InvokeContract[C]['value']> | InvokeContract[C]['value']
}

/** What Electron's IpcMainInvokeEvent tells us about the sender. */
export interface SenderEvent {
  sender: { id: number }
  senderFrame: { url: string; parent: unknown } | null
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => Promise<unknown>): void
  removeHandler(channel: string): void
}

export interface IpcInit {
  /** The id of the main window's webContents, if it exists. */
  windowContentsId: () => number | undefined
  isAppPage: (url: string) => boolean
  log: {
    warn(msg: string, fields?: Record<string, unknown>): void
    error(msg: string, fields?: Record<string, unknown>): void
  }
}

export function isTrustedSender(event: SenderEvent, init: Pick<IpcInit, 'windowContentsId' | 'isAppPage'>): boolean {
  const frame = event.senderFrame
  if (!frame || frame.parent) return false
  return event.sender.id === init.windowContentsId() && init.isAppPage(frame.url)
}

/** Runs one call through the checks and the handler; exported for tests. */
export async function dispatch(
  channel: InvokeChannel,
  event: SenderEvent,
  args: unknown[],
  handlers: IpcHandlers,
  init: IpcInit,
): Promise<IpcResult<unknown>> {
  if (!isTrustedSender(event, init)) {
    init.log.warn('refused IPC from a foreign sender', { channel, url: event.senderFrame?.url })
    return fail('FORBIDDEN', 'not the Tack window')
  }
  const parsed = ARGUMENT_SCHEMAS[channel].safeParse(args)
  if (!parsed.success) {
    init.log.warn('refused IPC with bad arguments', { channel, issue: parsed.error.issues[0]?.message })
    return fail('BAD_ARGUMENT', `${channel}: ${parsed.error.issues[0]?.message ?? 'invalid arguments'}`)
  }
  try {
    const handler = handlers[channel] as (...a: unknown[]) => unknown
    return ok(await handler(...(parsed.data as unknown[])))
  } catch (err) {
    if (err instanceof IpcHandlerError) return fail(err.code, err.message)
    init.log.error('IPC handler failed', { channel, error: String(err) })
    return fail('FAILED', err instanceof Error ? err.message : String(err))
  }
}

/** Registers every channel of the contract; returns a function that removes them. */
export function registerIpc(ipcMain: IpcMainLike, handlers: IpcHandlers, init: IpcInit): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, ...args) => dispatch(channel, event, args, handlers, init))
  }
  return () => INVOKE_CHANNELS.forEach((channel) => ipcMain.removeHandler(channel))
}
