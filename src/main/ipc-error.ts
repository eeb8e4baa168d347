// The error an IPC handler throws on purpose, with its contract code (its own file so modules that ipc.ts
// imports, like dropped-paths.ts, can throw it without an import cycle).
import type { IpcErrorCode } from '../shared/ipc.js'

/** A failure a handler reports on purpose, with its contract code. */
export class IpcHandlerError extends Error {
  override readonly name = 'IpcHandlerError'
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message)
  }
}
