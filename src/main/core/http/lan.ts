// LAN sharing: a second listener on all interfaces that serves the gateway and a small page at its root, and
// nothing else (every other path is refused there), off unless the user turns it on (TACK_LAN / --lan, or at run time through
// /api/settings, which is remembered in the settings table). A setting is applied before it is saved: LAN
// sharing is stored as on only once its listener runs. At start, a port that another program holds is
// logged and Tack starts without LAN sharing rather than not at all.
import { readSetting, writeSetting } from '../db/settings.js'
import { hostname, networkInterfaces } from 'node:os'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { Authenticator } from '../auth.js'
import type { Db } from '../db/index.js'
import { CoreError } from '../errors.js'
import type { Logger } from '../log.js'
import type { ConnectionLimits } from './connections.js'
import { parseGatewayCid } from '../gateway/path.js'
import { page, PAGE_CSP, sendPage } from './page.js'
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
  /** Its own cap and timeouts: however many peers connect, the loopback API keeps what it needs. */
  connections?: ConnectionLimits
  log: Logger
}

const SETTING = 'lan'

/** What the LAN address shows at its root (a phone that scanned the Dashboard's QR code lands here): that it
 *  reached this computer, and a box to open a CID someone shared; nothing about anyone's files. No script, no
 *  fetch: the box is a plain GET form back to this page, which sends the browser on to the gateway. */
export function lanRootHtml(problem?: string): string {
  return page(
    'Tack · shared files on this network',
    `<h1>Tack</h1>
<p><strong>This device reaches Tack</strong> on a computer on your network. Its owner turned on sharing, so
the files they share open here: scan a file’s code in Tack’s Share dialog, or open the link you were sent.</p>
<form method="get" action="/">
<p><label for="cid">Open a CID someone gave you</label><br>
<input id="cid" name="cid" required autocomplete="off" autocapitalize="off" spellcheck="false"
 placeholder="bafy…" style="font:inherit;width:100%;box-sizing:border-box;padding:.4rem">
</p>${problem ? `\n<p role="alert"><strong>${problem}</strong></p>` : ''}
<p><button type="submit" style="font:inherit;padding:.4rem 1rem">Open</button></p>
</form>`,
  )
}
export const LAN_ROOT_HTML = lanRootHtml()

/** The root page may submit its own form (the shared pages' CSP allows no form at all). */
const LAN_ROOT_CSP = PAGE_CSP.replace("form-action 'none'", "form-action 'self'")

/** The LAN listener's root page (see lanRootHtml): public, like the gateway it sits beside. `?cid=` goes on to
 *  that CID on the gateway, which decides what it serves (a private file is 404 there as everywhere). */
export const lanRootRoute = (): FastifyPluginAsync => async (app) => {
  app.get('/', { config: { scope: 'public' } }, (request, reply) => {
    const asked = (request.query as { cid?: unknown }).cid
    if (typeof asked !== 'string' || asked.trim() === '')
      return sendPage(reply, LAN_ROOT_HTML, 'no-cache', LAN_ROOT_CSP)
    let cid: string
    try {
      cid = parseGatewayCid(asked.trim()).cid
    } catch {
      return sendPage(
        reply.code(400),
        lanRootHtml('That is not a CID: it starts with bafy or Qm.'),
        'no-cache',
        LAN_ROOT_CSP,
      )
    }
    return reply.code(303).header('location', `/api/gateway/${cid}`).send()
  })
}

/** How long this machine's addresses are taken as read: the Host check of every request on both listeners asks,
 *  and os.networkInterfaces() was the largest JavaScript item of the server's CPU profile under the flood
 *  bench. An address that changes (a new network) is seen within this. */
const ADDRESSES_TTL_MS = 2000
let addresses: { at: number; list: string[] } | undefined

/** This machine's non-loopback addresses (IPv4 first): the names other devices reach it by. */
export function lanAddresses(): string[] {
  if (addresses && Date.now() - addresses.at < ADDRESSES_TTL_MS) return addresses.list
  const all = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal)
  const list = [...all.filter((a) => a!.family === 'IPv4'), ...all.filter((a) => a!.family === 'IPv6')].map(
    (a) => a!.address,
  )
  addresses = { at: Date.now(), list }
  return list
}

/** Host names the LAN listener answers to: its addresses and this machine's name (also as .local for mDNS). */
function lanHostNames(): string[] {
  const name = hostname().toLowerCase()
  return [...lanAddresses(), name, `${name.replace(/\.local$/, '')}.local`]
}

export function createLanSharing(init: LanInit): LanSharing {
  let app: FastifyInstance | undefined
  let port = 0
  const remembered = () => readSetting(init.db, SETTING) === 'true'
  const remember = (on: boolean) => writeSetting(init.db, SETTING, String(on))

  async function open() {
    if (app) return
    const { app: server } = await createHttpApp({
      log: init.log,
      auth: init.auth,
      routes: init.routes,
      hostNames: lanHostNames,
      connections: init.connections,
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
