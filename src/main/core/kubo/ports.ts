// Free TCP ports on loopback. Kubo never takes the standard 4001/5001/8080, so a user's own Kubo keeps
// working beside Tack.
import { createServer } from 'node:net'

export const STANDARD_KUBO_PORTS = new Set([4001, 5001, 8080])

// Kubo and MinIO pick their ports at the same moment (they start in parallel), and a port only looks taken
// once its child listens on it: until then, a port one of them picked still looks free to the other (seen
// once in a full test run: MinIO's API and Kubo's gateway both given 33777; MinIO could not start). So each
// port picked for a child is claimed for that child (its owner: a name and its data path) for CLAIM_MS, and
// no other owner in this process is given it meanwhile.
const CLAIM_MS = 60_000
const claims = new Map<number, { owner: string; until: number }>()

const claimedByOther = (port: number, owner: string) => {
  const claim = claims.get(port)
  return claim !== undefined && claim.until > Date.now() && claim.owner !== owner
}

/** Claims port for owner (see above) and returns it. */
export function claimPort(port: number, owner: string): number {
  claims.set(port, { owner, until: Date.now() + CLAIM_MS })
  return port
}

/** Whether owner may use port: nobody listens on it and no other owner in this process claimed it. */
export async function isPortFreeFor(owner: string, port: number): Promise<boolean> {
  return !claimedByOther(port, owner) && (await isPortFree(port))
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** A port nobody listens on; with an owner, also one no other owner claimed, and then claimed for owner. */
export async function freePort(avoid: Set<number> = new Set(), owner?: string): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen({ port: 0, host: '127.0.0.1' }, () => {
        const address = server.address()
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
      })
    })
    if (!port || STANDARD_KUBO_PORTS.has(port) || avoid.has(port)) continue
    if (owner === undefined) return port
    if (!claimedByOther(port, owner)) return claimPort(port, owner)
  }
}
