// Where the Kubo of a `tack serve` in dataDir serves its own gateway (the anchor several rows compare with):
// a Unix socket beside its RPC's (src/main/core/kubo/repo.ts), or a loopback port on Windows.
import { readConfig } from '../src/main/core/kubo/repo.js'
import { paths } from '../src/main/core/state.js'

export interface KuboGateway {
  /** The base URL; with socketPath, it only names the Host and the socket carries the requests. */
  url: string
  socketPath?: string
}

export function kuboGatewayOf(dataDir: string): KuboGateway {
  const addresses = readConfig(paths(dataDir).kuboRepo).Addresses?.Gateway
  const addr = [addresses].flat()[0] ?? ''
  if (addr.startsWith('/unix/')) return { url: 'http://127.0.0.1', socketPath: addr.slice('/unix'.length) }
  const port = /\/tcp\/(\d+)/.exec(addr)?.[1]
  if (!port) throw new Error(`Kubo's gateway address ${addr} is neither a socket nor a TCP port`)
  return { url: `http://127.0.0.1:${port}` }
}
