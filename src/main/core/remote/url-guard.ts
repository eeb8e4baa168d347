// Forwarding targets must never point back at Tack: a target URL is called with whatever path Tack builds,
// so `http://127.0.0.1:<Kubo RPC>/api/v0/shutdown#` would turn every retry into a request to Kubo's RPC.
// A URL is refused when it is not plain http(s) (no userinfo, query or fragment: nothing that changes what
// Tack's appended paths mean), or when its port is one of Tack's own listeners (API, LAN, Kubo's RPC, gateway
// and swarm, MinIO) and its host resolves to this machine (loopback, the unspecified address, or an address
// of a local interface). Another service on loopback (a cluster, another Tack) on another port stays allowed.
// The check runs when a target is added and again before every request to it: ports can change at a
// restart and names can resolve elsewhere later. A name can also resolve elsewhere a moment after the check
// (DNS rebinding), so every connection is checked once more for the address it reached (send.ts).
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import { CoreError } from '../errors.js'

export interface UrlGuardInit {
  /** The ports Tack's own services listen on right now. */
  ownPorts(): number[]
  /** Every address a host name resolves to (default: dns.lookup with all: true). */
  resolve?(hostname: string): Promise<string[]>
  /** This machine's interface addresses (default: os.networkInterfaces()). */
  localAddresses?(): string[]
}

export interface UrlGuard {
  /** Resolves with the parsed URL, or throws CoreError BAD_REQUEST naming the problem. */
  check(raw: string): Promise<URL>
  /** Why a connection that reached this address and port is refused (one of Tack's own), or undefined. */
  refusedPeer(address: string, port: number): string | undefined
}

const bad = (details: string) => new CoreError('BAD_REQUEST', details)

/** The syntax rules alone: an absolute http(s) URL with no userinfo, query or fragment. */
export function parseTargetUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw bad(`remote url is not a URL: ${raw}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('remote url must be http(s)')
  // Read from the raw text too: the URL parser drops an empty `?` or `#` and an empty `@`.
  const authority = raw.replace(/^[a-z][a-z0-9+.-]*:[/\\]*/i, '').split(/[/\\?#]/, 1)[0] ?? ''
  if (url.username || url.password || authority.includes('@'))
    throw bad('remote url must not contain userinfo (user:password@); use the token or basicAuth fields')
  if (raw.includes('?')) throw bad('remote url must not contain a query (?)')
  if (raw.includes('#')) throw bad('remote url must not contain a fragment (#)')
  return url
}

/** Canonical text of an IP address: lower case, no zone, IPv4-mapped IPv6 as plain IPv4. */
export function normalizeAddress(address: string): string {
  let a = address
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
  const mappedDotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a)
  if (mappedDotted) return mappedDotted[1]!
  const mappedHex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a)
  if (mappedHex) {
    const hi = parseInt(mappedHex[1]!, 16)
    const lo = parseInt(mappedHex[2]!, 16)
    a = [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.')
  }
  return a
}

/** Whether a connection to this address lands on this machine. */
export function isLocalAddress(address: string, interfaceAddresses: string[] = []): boolean {
  const a = normalizeAddress(address)
  if (isIP(a) === 4) {
    const first = Number(a.split('.')[0])
    // 127/8 is loopback; 0/8 (0.0.0.0 above all) reaches the local host on Linux and macOS.
    if (first === 127 || first === 0) return true
  } else if (isIP(a) === 6) {
    if (/^(0{0,4}:){2,7}0{0,3}[01]$/.test(a) || a === '::' || a === '::1') return true
  }
  return interfaceAddresses.some((i) => normalizeAddress(i) === a)
}

const defaultResolve = async (hostname: string) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((r) => r.address)

/** The addresses of this machine's network interfaces. */
export const defaultLocalAddresses = () =>
  Object.values(networkInterfaces())
    .flat()
    .flatMap((i) => (i ? [i.address] : []))

export function createUrlGuard(init: UrlGuardInit): UrlGuard {
  const resolve = init.resolve ?? defaultResolve
  const localAddresses = init.localAddresses ?? defaultLocalAddresses
  return {
    async check(raw) {
      const url = parseTargetUrl(raw)
      const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
      // Only Tack's own ports are at stake; any other port needs no name lookup.
      if (!init.ownPorts().includes(port)) return url
      const host = url.hostname.replace(/^\[|\]$/g, '')
      let addresses: string[]
      try {
        addresses = isIP(host) ? [host] : await resolve(host)
      } catch (err) {
        throw bad(
          `remote url host ${host} cannot be resolved (${(err as Error).message}), and port ${port} is one of Tack's own`,
        )
      }
      const locals = localAddresses()
      const own = addresses.find((a) => isLocalAddress(a, locals))
      if (own !== undefined) throw bad(ownService(own, port))
      return url
    },
    refusedPeer(address, port) {
      if (!init.ownPorts().includes(port) || !isLocalAddress(address, localAddresses())) return undefined
      return ownService(address, port)
    },
  }
}

const ownService = (address: string, port: number) =>
  `remote url points at one of Tack's own services (${address} port ${port}); forwarding there is refused`
