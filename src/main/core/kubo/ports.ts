// Free TCP ports on loopback. Kubo never takes the standard 4001/5001/8080, so a user's own Kubo keeps
// working beside Tack.
import { createServer } from 'node:net'

export const STANDARD_KUBO_PORTS = new Set([4001, 5001, 8080])

// Kubo and MinIO pick their ports at the same moment (they start in parallel), and a port only looks taken
// once its child listens on it: until then, a port one of them picked still looks free to the other (seen
// once in a full test run: MinIO's API and Kubo's gateway both given 33777; MinIO could not start). So each
// port picked for a child is claimed for that child (its owner: a name and its data path) for CLAIM_MS, and
// no other owner in this process is given it meanwhile. The claims are kept for the whole process, not per
// core, because several cores in one process (tests do that) must avoid each other too. They only cover
// Tack's own children; a port that another program takes is handled by starting again (supervisor.ts).
const CLAIM_MS = 60_000
const claims = new Map<number, { owner: string; until: number }>()

const claimedByOther = (port: number, owner: string) => {
  const claim = claims.get(port)
  return claim !== undefined && claim.until > Date.now() && claim.owner !== owner
}

/** Claims port for owner (see above) unless another owner holds it; whether owner now holds it. */
function claim(port: number, owner: string): boolean {
  if (claimedByOther(port, owner)) return false
  claims.set(port, { owner, until: Date.now() + CLAIM_MS })
  return true
}

/**
 * Takes port for owner if nobody listens on it and no other owner claimed it; whether it did. The claim is
 * made in the same turn as the check that settles it, so no other pick can come in between.
 */
export async function takePort(port: number, owner: string): Promise<boolean> {
  return (await isPortFree(port)) && claim(port, owner)
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
    if (owner === undefined || claim(port, owner)) return port
  }
}
