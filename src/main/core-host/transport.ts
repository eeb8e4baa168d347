// The two ways the parent reaches the core's process: Electron's utilityProcess (the desktop app: it runs on
// Electron's own Node, so the core loads the same native builds the shell chose) and child_process.fork with
// its IPC channel (plain Node: tests, benches, anywhere without Electron). parent.ts only sees Transport.
import { fork } from 'node:child_process'
import type * as Electron from 'electron'

export interface Transport {
  /** The child's pid once it has been spawned. */
  readonly pid: number | undefined
  send(message: unknown): void
  onMessage(listener: (message: unknown) => void): void
  /** Called once, when the process has ended (by itself, by close(), by a signal). */
  onExit(listener: (code: number | null, signal: string | null) => void): void
  /** Asks the child to end (it stops its core first if one still runs). */
  close(): void
  /** Ends it at once: what close() asked for did not happen in time. */
  kill(): void
}

export interface NodeForkInit {
  /** The child's entry: out/main/core-host.js, or src/main/core-host/child.ts with a TypeScript loader. */
  entry: string
  /** Node flags for the child, e.g. ['--import', 'tsx'] to run the TypeScript entry. */
  execArgv?: string[]
  env?: NodeJS.ProcessEnv
}

export function nodeForkTransport(init: NodeForkInit): Transport {
  const child = fork(init.entry, [`--parent-pid=${process.pid}`], {
    execArgv: init.execArgv ?? [],
    env: init.env ?? process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  })
  // A send racing the child's exit fails with EPIPE/ERR_IPC_CHANNEL_CLOSED: the exit listener reports it.
  child.on('error', () => {})
  return {
    get pid() {
      return child.pid
    },
    send: (message) => {
      if (child.connected) child.send(message as object, (err) => void err)
    },
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.once('exit', listener),
    close: () => {
      if (child.connected) child.disconnect()
    },
    kill: () => void child.kill('SIGKILL'),
  }
}

export interface UtilityInit {
  utilityProcess: Pick<typeof Electron.utilityProcess, 'fork'>
  entry: string
  env?: NodeJS.ProcessEnv
}

export function utilityTransport(init: UtilityInit): Transport {
  const child = init.utilityProcess.fork(init.entry, [`--parent-pid=${process.pid}`], {
    serviceName: 'Tack core',
    stdio: 'inherit',
    env: init.env,
  })
  let exited = false
  child.once('exit', () => (exited = true))
  return {
    get pid() {
      return child.pid
    },
    send: (message) => {
      if (!exited) child.postMessage(message)
    },
    onMessage: (listener) => void child.on('message', listener),
    // Electron gives the exit code only; a signal shows as a non-zero code.
    onExit: (listener) => void child.once('exit', (code) => listener(code, null)),
    // A utility process has no channel to close: SIGTERM, which the child answers by stopping its core.
    close: () => void (exited || child.kill()),
    kill: () => {
      if (exited || child.pid === undefined) return
      try {
        process.kill(child.pid, 'SIGKILL')
      } catch {
        // gone meanwhile
      }
    },
  }
}
