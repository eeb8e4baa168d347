// Each listener has its own connection cap and closes sockets that send nothing: peers flooding the LAN
// listener with idle sockets are turned away at its cap while the loopback API keeps answering, and an idle
// socket, on either listener, is closed once it has been quiet for TACK_IDLE_SOCKET_MS.
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTack, type TestTack } from './fixtures/core.js'
import { holdsFor } from './fixtures/poll.js'

const LAN_CAP = 5
const EXTRA = 15
const IDLE_MS = 1500

interface Held {
  socket: Socket
  closed: boolean
}

function open(port: number): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    const held: Held = { socket, closed: false }
    socket.on('close', () => (held.closed = true))
    socket.on('error', () => {}) // a reset is how a capped listener may say no
    socket.once('connect', () => resolve(held))
    socket.once('error', reject)
  })
}

describe('listener limits', () => {
  let tack: TestTack
  let lanPort: number

  beforeAll(async () => {
    tack = await startTack({
      config: { lan: true, lanPort: 0, lanMaxConnections: LAN_CAP, idleSocketMs: IDLE_MS, headersTimeoutMs: 5000 },
    })
    lanPort = Number(new URL((await tack.core.status()).lan.urls[0]!).port)
  })
  afterAll(() => tack?.destroy())

  const apiAnswers = async () => {
    const res = await tack.api('/api/pinning/pins', { signal: AbortSignal.timeout(2000) })
    await res.arrayBuffer()
    return res.status === 200
  }

  it('turns away LAN sockets past its cap, and the API listener answers all along', async () => {
    const sockets = await Promise.all(Array.from({ length: LAN_CAP + EXTRA }, () => open(lanPort).catch(() => undefined)))
    const held = sockets.filter((s): s is Held => s !== undefined)
    try {
      // The ones past the cap are closed by the listener at once; at most the cap stay open.
      await expect.poll(() => held.filter((s) => !s.closed).length, { timeout: 5000 }).toBeLessThanOrEqual(LAN_CAP)
      await holdsFor(apiAnswers, 'the API listener answers while the LAN listener is full', IDLE_MS / 2, 100)
      // Once they have been idle long enough, the rest go too, and the LAN listener serves again.
      await expect.poll(() => held.every((s) => s.closed), { timeout: IDLE_MS * 5 }).toBe(true)
      const lan = await fetch(`http://127.0.0.1:${lanPort}/`)
      expect(lan.status).toBe(200)
    } finally {
      for (const s of held) s.socket.destroy()
    }
  })

  it('closes an idle socket on the API listener after TACK_IDLE_SOCKET_MS, not before', async () => {
    const port = Number(new URL(tack.url).port)
    const idle = await open(port)
    try {
      const opened = Date.now()
      await holdsFor(() => !idle.closed, 'an idle socket stays open until its time is up', IDLE_MS / 2, 50)
      await expect.poll(() => idle.closed, { timeout: IDLE_MS * 5, interval: 50 }).toBe(true)
      expect(Date.now() - opened).toBeGreaterThanOrEqual(IDLE_MS - 100)
    } finally {
      idle.socket.destroy()
    }
  })

  it('closes a socket that stops half-way through a request body, but not one whose answer Tack is writing', async () => {
    const port = Number(new URL(tack.url).port)
    const stalled = await open(port)
    stalled.socket.write(
      `PUT /api/files?name=stalled.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${tack.adminKey}\r\n` +
        'Content-Length: 100000\r\n\r\nonly a little',
    )
    const events = await open(port)
    events.socket.write(
      `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${tack.adminKey}\r\n\r\n`,
    )
    try {
      await expect.poll(() => stalled.closed, { timeout: IDLE_MS * 5, interval: 50 }).toBe(true)
      // An event stream is a complete request still being answered: it outlives several idle periods.
      await holdsFor(() => !events.closed, 'an open event stream is not idle', IDLE_MS * 2, 100)
    } finally {
      stalled.socket.destroy()
      events.socket.destroy()
    }
  })
})
