// Free TCP ports on loopback. Kubo never takes the standard 4001/5001/8080, so a user's own Kubo keeps
// working beside Tack.
import { createServer } from 'node:net'

export const STANDARD_KUBO_PORTS = new Set([4001, 5001, 8080])

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

export async function freePort(avoid: Set<number> = new Set()): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen({ port: 0, host: '127.0.0.1' }, () => {
        const address = server.address()
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
      })
    })
    if (port && !STANDARD_KUBO_PORTS.has(port) && !avoid.has(port)) return port
  }
}
