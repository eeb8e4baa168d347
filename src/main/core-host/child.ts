// The entry of the process that hosts the core (out/main/core-host.js; an entry of its own in
// electron.vite.config.ts). It runs as Electron's utilityProcess (process.parentPort) or as a child_process.fork
// child (process.send), serves the channel (serve.ts), and never outlives its parent: when the parent is gone,
// or a signal comes, it stops the core (Kubo and MinIO first, as stop() does) and exits. tack-launcher ends Kubo
// and MinIO as well if this process is killed outright.
import { createCore } from '../core/index.js'
import type { ChildMessage } from './protocol.js'
import { serveCore, type ChildPort } from './serve.js'

interface ParentPortLike {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
}

/** How often the child looks whether its parent still lives (a utility process has no disconnect event). */
const PARENT_CHECK_MS = 1000

function pickPort(): ChildPort & { onParentGone(listener: () => void): void } {
  const parentPort = (process as { parentPort?: ParentPortLike }).parentPort
  const watchPid = (listener: () => void) => {
    if (!Number.isInteger(parentPid) || parentPid <= 0) return
    const timer = setInterval(() => {
      if (parentAlive()) return
      clearInterval(timer)
      listener()
    }, PARENT_CHECK_MS)
    timer.unref()
  }
  if (parentPort) {
    return {
      send: (message: ChildMessage) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
      onParentGone: watchPid,
    }
  }
  if (!process.send)
    throw new Error('core-host: started without a channel to a parent (fork it, or use utilityProcess)')
  return {
    send: (message: ChildMessage) => {
      if (process.connected) process.send!(message, undefined, undefined, () => {})
    },
    onMessage: (listener) => void process.on('message', listener),
    onParentGone: (listener) => {
      process.once('disconnect', listener)
      watchPid(listener)
    },
  }
}

const parentPid = Number(process.argv.find((a) => a.startsWith('--parent-pid='))?.slice('--parent-pid='.length))

function parentAlive(): boolean {
  if (!Number.isInteger(parentPid) || parentPid <= 0) return false
  try {
    process.kill(parentPid, 0)
    return true
  } catch {
    return false
  }
}

const port = pickPort()
const server = serveCore({ port, createCore })
let ending = false
const end = (why: string) => {
  if (ending) return
  ending = true
  server.shutdown().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`core-host: stopping after ${why} failed: ${String(err)}\n`)
      process.exit(1)
    },
  )
}
port.onParentGone(() => end('the parent went away'))
// SIGTERM is how the parent (utilityProcess.kill) or the OS ends it. A terminal's Ctrl-C or hang-up reaches the
// whole process group: the parent stops this core itself as part of its quit, so ending here first would look
// like a crash to it (and offer a restart while quitting). Without a parent they end it as SIGTERM does.
process.on('SIGTERM', () => end('SIGTERM'))
for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => parentAlive() || end(signal))
