// The API's listener on TACK_HOST:TACK_PORT: the Fastify app built from the routes it is given at start, the
// URL it listens at, and the owner's local token left in a file only this user can read (the CLI reads it),
// removed at stop.
import { chmodSync, rmSync, writeFileSync } from 'node:fs'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { createHttpApp, type HttpInit, type RouteInfo } from './server.js'

export interface ApiInit extends Omit<HttpInit, 'routes'> {
  host: string
  port: number
  /** Built at start, when every component they use is ready to be asked. */
  routes(): FastifyPluginAsync[]
  tokenFile: string
  localToken: string
  /** Told the URL once the API listens. */
  listening?(url: string): void
}

export interface Api {
  start(): Promise<void>
  stop(): Promise<void>
  /** Where the API listens; '' until it does. */
  url(): string
  /** The route table with each route's access policy (empty until started). */
  routes(): readonly RouteInfo[]
  isListening(): boolean
}

export function createApi(init: ApiInit): Api {
  const { host, tokenFile } = init
  let app: FastifyInstance | undefined
  let routeTable: readonly RouteInfo[] = []
  let url = ''
  return {
    url: () => url,
    routes: () => routeTable,
    isListening: () => Boolean(app),
    async start() {
      const http = await createHttpApp({ ...init, routes: init.routes() })
      app = http.app
      routeTable = http.routes
      await app.listen({ host, port: init.port })
      const address = app.server.address()
      const port = typeof address === 'object' && address ? address.port : init.port
      url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
      writeFileSync(tokenFile, init.localToken, { mode: 0o600 })
      // writeFileSync keeps the mode of a file that exists already; make sure it is this user's alone.
      chmodSync(tokenFile, 0o600)
      init.listening?.(url)
    },
    async stop() {
      rmSync(tokenFile, { force: true })
      await app?.close()
      app = undefined
    },
  }
}
