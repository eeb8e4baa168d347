import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createGuardedSend } from './send.js'
import { createUrlGuard } from './url-guard.js'

// A stand-in for one of Tack's own listeners, counting the requests that reach it.
let server: Server
let port: number
let reached = 0

beforeAll(async () => {
  server = createServer((_req, res) => {
    reached++
    res.end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

it('refuses a connection that lands on an own port even when the check resolved the name elsewhere', async () => {
  // DNS rebinding: the guard's lookup answers a public address, the connection's own lookup 127.0.0.1.
  const guard = createUrlGuard({ ownPorts: () => [port], resolve: async () => ['203.0.113.9'] })
  await expect(guard.check(`http://localhost:${port}`)).resolves.toBeInstanceOf(URL)
  const send = createGuardedSend(guard)
  const before = reached
  await expect(send(`http://localhost:${port}/pins?limit=1`, { method: 'GET' })).rejects.toThrow(
    `(127.0.0.1 port ${port}); forwarding there is refused`,
  )
  expect(reached).toBe(before)
})

it('refuses an own port that the check itself sees, before connecting', async () => {
  const send = createGuardedSend(createUrlGuard({ ownPorts: () => [port] }))
  const before = reached
  await expect(send(`http://127.0.0.1:${port}/pins`, { method: 'GET' })).rejects.toThrow('forwarding there is refused')
  expect(reached).toBe(before)
})

it('sends to a service on loopback on a port that is not one of Tack’s own', async () => {
  const send = createGuardedSend(createUrlGuard({ ownPorts: () => [port + 1], resolve: async () => ['203.0.113.9'] }))
  const before = reached
  const res = await send(`http://localhost:${port}/pins?limit=1`, { method: 'GET' })
  expect(res.status).toBe(200)
  expect(await res.json()).toEqual({})
  expect(reached).toBe(before + 1)
})
