// LAN sharing: a second listener on all interfaces that serves the gateway and nothing else (every other
// path is refused there), off unless the user turns it on (TACK_LAN / --lan, or at run time through
// /api/settings, which is remembered in the settings table). A setting is applied before it is saved: LAN
// sharing is stored as on only once its listener runs. At start, a port that another program holds is
// logged and Tack starts without LAN sharing rather than not at all.
import { hostname, networkInterfaces } from 'node:os'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { Authenticator } from '../auth.js'
import type { Db } from '../db/index.js'
import { CoreError } from '../errors.js'
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

/** This machine's non-loopback addresses (IPv4 first): the names other devices reach it by. */
export function lanAddresses(): string[] {
  const all = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal)
  return [...all.filter((a) => a!.family === 'IPv4'), ...all.filter((a) => a!.family === 'IPv6')].map((a) => a!.address)
}

/** Host names the LAN listener answers to: its addresses and this machine's name (also as .local for mDNS). */
function lanHostNames(): string[] {
  const name = hostname().toLowerCase()
  return [...lanAddresses(), name, `${name.replace(/\.local$/, '')}.local`]
}

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
    const { app: server } = await createHttpApp({
      log: init.log,
      auth: init.auth,
      routes: init.routes,
      hostNames: lanHostNames,
    })
    try {
      await server.listen({ host: '0.0.0.0', port: init.port })
    } catch (err) {
      await server.close()
      const code = (err as NodeJS.ErrnoException).code
      throw new CoreError(
        'CONFLICT',
        code === 'EADDRINUSE'
          ? `LAN sharing needs port ${init.port}, which another program is using (TACK_LAN_PORT sets another)`
          : `LAN sharing could not listen on port ${init.port}: ${(err as Error).message}`,
        { cause: err },
      )
    }
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
      const v4 = lanAddresses().filter((a) => !a.includes(':'))
      // No LAN address (a machine offline): loopback still shows where the listener is.
      return (v4.length ? v4 : ['127.0.0.1']).map((a) => `http://${a}:${port}`)
    },
    async set(on) {
      if (on) await open()
      else await close()
      remember(on)
    },
    async start() {
      if (!(init.forceOn || remembered())) return
      try {
        await open()
      } catch (err) {
        // The preference stays as it was: sharing comes back at a start where the port is free.
        init.log.warn('LAN sharing is off for this run', { error: (err as Error).message })
      }
    },
    stop: close,
  }
  return sharing
}
