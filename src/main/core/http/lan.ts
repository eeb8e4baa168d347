// LAN sharing: a second listener on all interfaces that serves the gateway and nothing else (every other
// path is refused there), off unless the user turns it on (TACK_LAN / --lan, or at run time through
// /api/settings, which is remembered in the settings table).
import { networkInterfaces } from 'node:os'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { Authenticator } from '../auth.js'
import type { Db } from '../db/index.js'
import type { Logger } from '../log.js'
import { createHttpApp } from './server.js'

export interface LanSharing {
  enabled(): boolean
  /** http://<each LAN address>:<port>, empty while off. */
  urls(): string[]
  set(enabled: boolean): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}

export interface LanInit {
  port: number
  /** config.lan: on at start whatever was remembered. */
  forceOn: boolean
  db: Db
  auth: Authenticator
  routes: FastifyPluginAsync[]
  log: Logger
}

const SETTING = 'lan'

export function createLanSharing(init: LanInit): LanSharing {
  let app: FastifyInstance | undefined
  let port = 0
  const remembered = () =>
    (init.db.prepare('SELECT value FROM settings WHERE key = ?').get(SETTING) as { value: string } | undefined)
      ?.value === 'true'
  const remember = (on: boolean) =>
    init.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(SETTING, String(on))

  async function open() {
    if (app) return
    const server = await createHttpApp({ log: init.log, auth: init.auth, routes: init.routes })
    await server.listen({ host: '0.0.0.0', port: init.port })
    const address = server.server.address()
    port = typeof address === 'object' && address ? address.port : init.port
    app = server
    init.log.info('LAN sharing on', { urls: sharing.urls() })
  }
  async function close() {
    const server = app
    app = undefined
    await server?.close()
  }

  const sharing: LanSharing = {
    enabled: () => Boolean(app),
    urls() {
      if (!app) return []
      const addresses = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && a.family === 'IPv4' && !a.internal)
        .map((a) => a!.address)
      // No LAN address (a machine offline): loopback still shows where the listener is.
      return (addresses.length ? addresses : ['127.0.0.1']).map((a) => `http://${a}:${port}`)
    },
    async set(on) {
      remember(on)
      if (on) await open()
      else await close()
    },
    async start() {
      if (init.forceOn || remembered()) await open()
    },
    stop: close,
  }
  return sharing
}
