// Which Hosts and Origins a listener answers. A page whose DNS name an attacker rebinds to 127.0.0.1 is
// same-origin with Tack as far as the browser knows; only the Host header it sends still names the attacker's
// domain. So every request must name one of the hosts Tack serves under (loopback names, the configured
// host, and on the LAN listener its own addresses), with the port it listens on. State-changing requests from
// a browser must also come from one of those origins or from the desktop renderer.

/** Names every listener answers to: the loopback spellings a browser or client on this machine uses. */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]']

export interface HostPolicy {
  /** Whether a Host header names this listener. `port` is the port it listens on (undefined: not listening). */
  hostAllowed(host: string | undefined, port: number | undefined): boolean
  /** Whether an Origin may send a state-changing request here. */
  originAllowed(origin: string, port: number | undefined): boolean
}

/** `[::1]` stays bracketed, names are lower-cased; undefined for anything that is not a plain host[:port]. */
export function splitHost(value: string): { name: string; port?: number } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value)
  if (!m) return undefined
  const port = m[2] === undefined ? undefined : Number(m[2])
  if (port !== undefined && (port < 1 || port > 65535)) return undefined
  return { name: m[1]!.toLowerCase(), port }
}

/** An IPv6 address as a Host header spells it. */
export function hostName(address: string): string {
  return address.includes(':') ? `[${address.toLowerCase()}]` : address.toLowerCase()
}

export function createHostPolicy(init: { names: () => readonly string[]; appOrigin: string }): HostPolicy {
  const matches = (value: string, port: number | undefined) => {
    const parsed = splitHost(value)
    if (!parsed) return false
    // A Host without a port means port 80. In-process requests (tests' inject) have no listening port.
    if (port !== undefined && (parsed.port ?? 80) !== port) return false
    const names = new Set([...LOOPBACK_NAMES, ...init.names().map(hostName)])
    return names.has(parsed.name)
  }
  return {
    hostAllowed: (host, port) => host !== undefined && matches(host, port),
    originAllowed(origin, port) {
      if (origin === init.appOrigin) return true
      const m = /^http:\/\/([^/]+)$/i.exec(origin)
      return Boolean(m && matches(m[1]!, port))
    },
  }
}
