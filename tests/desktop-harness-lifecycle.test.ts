// Every way the desktop app ends, under the stand-in Electron against the real core: each stops the core
// (awaited) and leaves no Kubo, MinIO or tack-launcher behind.
import { afterEach, describe, expect, it } from 'vitest'
import { minioBinary } from './electron-harness/binaries.js'
import { startHarness, type Harness } from './electron-harness/client.js'
import { expectNoChildLeft, expectNoRealElectron, signIn, startedApp } from './electron-harness/scenario.js'

let h: Harness | undefined
afterEach(async () => h?.remove())

const exitsCleanly = async (app: Harness) => {
  expect(await app.exited).toBe(0)
  expectNoChildLeft(app)
  expectNoRealElectron(app)
}

describe('desktop shell: ways out', () => {
  it('a quit while the core is still starting waits for the start, then stops what it started', async () => {
    h = startHarness()
    // Kubo is up (a child runs) but the core has not reported running yet.
    await expect
      .poll(() => (h!.sampleChildren(), [...h!.children().values()].some((c) => c.includes('ipfs'))), {
        timeout: 60_000,
      })
      .toBe(true)
    await h.request('quit')
    await exitsCleanly(h)
    expect(h.records.some((r) => r.what === 'webContents.loaded')).toBe(false)
  })

  it("the core's process killed: the window stays, a restart is offered, and Restart brings a new core", async () => {
    h = await startedApp()
    const before = await signIn(h)
    h.sampleChildren()
    const core = [...h.children()].find(([, cmd]) => cmd.includes('core-host.js'))
    expect(core, JSON.stringify([...h.children()])).toBeDefined()
    process.kill(core![0], 'SIGKILL')
    // The offer is a dialog the shell does not wait on; its default answer here is Restart.
    const offer = await h.waitFor(
      'dialog.showMessageBox',
      (r) => (r.options as { message?: string }).message === 'Tack stopped unexpectedly',
      30_000,
    )
    expect((offer.options as { buttons: string[] }).buttons).toEqual(['Restart', 'Open logs', 'Quit'])
    // The old core is gone (its session with it); a new one signs the window in again.
    await expect
      .poll(
        () =>
          fetch(`${before.apiUrl}/api/status`).then(
            (r) => r.status,
            () => 0,
          ),
        { timeout: 30_000 },
      )
      .not.toBe(200)
    await expect
      .poll(
        async () =>
          await signIn(h!).then(
            () => true,
            () => false,
          ),
        { timeout: 60_000, interval: 500 },
      )
      .toBe(true)
    h.sampleChildren()
    await h.request('quit')
    await exitsCleanly(h)
  })

  it('a quit while pins run stops the core and exits', async () => {
    h = await startedApp()
    const { apiUrl, secret } = await signIn(h)
    // Pins of CIDs nobody has: on the local network they stay queued or pinning.
    const cids = [
      'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
      'bafkreidivzimqfqtoqxkrpge6bjyhlvxqs3rhe73owtmdulaxr5do5in7u',
    ]
    for (const cid of cids) {
      const res = await fetch(`${apiUrl}/api/pinning/pins`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ cid }),
      })
      expect(res.status).toBe(202)
    }
    const waiting = await fetch(`${apiUrl}/api/pinning/pins?status=queued,pinning`, {
      headers: { authorization: `Bearer ${secret}` },
    })
    expect(((await waiting.json()) as { count: number }).count).toBe(2)
    h.sampleChildren()
    await h.request('quit')
    await exitsCleanly(h)
  })

  it('the OS shutting down (powerMonitor shutdown) holds the shutdown, stops the core and exits', async () => {
    h = await startedApp()
    h.sampleChildren()
    const { defaultPrevented } = await h.request<{ defaultPrevented: boolean }>('emit', {
      target: 'powerMonitor',
      event: 'shutdown',
    })
    expect(defaultPrevented).toBe(true)
    await exitsCleanly(h)
  })

  it('Windows ending the session (query-session-end on the hidden window) holds the end, stops the core and exits', async () => {
    h = await startedApp({ platform: 'win32', env: { TACK_MINIO_BINARY: minioBinary() } })
    h.sampleChildren()
    const { defaultPrevented } = await h.request<{ defaultPrevented: boolean }>('emit', {
      target: 'sessionWindow',
      event: 'query-session-end',
    })
    expect(defaultPrevented).toBe(true)
    await exitsCleanly(h)
  })

  it('SIGTERM stops the core and exits', async () => {
    h = await startedApp()
    h.sampleChildren()
    h.child.kill('SIGTERM')
    await exitsCleanly(h)
  })

  it('a second Tack (the lock held) quits at once and starts nothing', async () => {
    h = startHarness({ lockHeld: true })
    expect(await h.exited).toBe(0)
    expect(h.records.map((r) => r.what)).toEqual([
      'app.setPath',
      'protocol.registerSchemesAsPrivileged',
      'app.requestSingleInstanceLock',
      'app.quit',
      'app.exit',
    ])
    expect(h.children().size).toBe(0)
  })
})
