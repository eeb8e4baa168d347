import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createGuardedSender } from './send.js'
import { createUrlGuard } from './url-guard.js'

// Two loopback listeners: `own` stands in for one of Tack's own services and counts the requests that reach
// it; `elsewhere` is another service, which answers /away with a redirect to `own`.
let own: Server
let elsewhere: Server
let ownPort: number
let elsewherePort: number
let reached = 0

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

beforeAll(async () => {
  own = createServer((_req, res) => {
    reached++
    res.end('{}')
  })
  elsewhere = createServer((req, res) => {
    if (req.url === '/away') res.writeHead(307, { location: `http://127.0.0.1:${ownPort}/pins` }).end()
    else res.end('{"ok":true}')
  })
  ownPort = await listen(own)
  elsewherePort = await listen(elsewhere)
})
afterAll(async () => {
  await Promise.all([own, elsewhere].map((s) => new Promise((resolve) => s.close(resolve))))
})

it('refuses a connection that lands on an own port even when the check resolved the name elsewhere', async () => {
  // DNS rebinding: the guard's lookup answers a public address, the connection's own lookup 127.0.0.1.
  const guard = createUrlGuard({ ownPorts: () => [ownPort], resolve: async () => ['203.0.113.9'] })
  await expect(guard.check(`http://localhost:${ownPort}`)).resolves.toBeInstanceOf(URL)
  const sender = createGuardedSender(guard)
  const before = reached
  await expect(sender.send(`http://localhost:${ownPort}/pins?limit=1`, { method: 'GET' })).rejects.toThrow(
    `(127.0.0.1 port ${ownPort}); forwarding there is refused`,
  )
  expect(reached).toBe(before)
  await sender.close()
})

it('refuses an own port that the check itself sees, before connecting', async () => {
  const sender = createGuardedSender(createUrlGuard({ ownPorts: () => [ownPort] }))
  const before = reached
  await expect(sender.send(`http://127.0.0.1:${ownPort}/pins`, { method: 'GET' })).rejects.toThrow(
    'forwarding there is refused',
  )
  expect(reached).toBe(before)
})

it('follows no redirect, so a target cannot send Tack on to one of its own services', async () => {
  const sender = createGuardedSender(createUrlGuard({ ownPorts: () => [ownPort] }))
  const before = reached
  await expect(sender.send(`http://127.0.0.1:${elsewherePort}/away`, { method: 'POST', body: '{}' })).rejects.toThrow(
    /redirect/,
  )
  expect(reached).toBe(before)
  await sender.close()
})

it('sends to a service on loopback on a port that is not one of Tack’s own, and again after close', async () => {
  const sender = createGuardedSender(
    createUrlGuard({ ownPorts: () => [ownPort], resolve: async () => ['203.0.113.9'] }),
  )
  for (let i = 0; i < 2; i++) {
    const res = await sender.send(`http://localhost:${elsewherePort}/pins?limit=1`, { method: 'GET' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
    await sender.close()
  }
})
