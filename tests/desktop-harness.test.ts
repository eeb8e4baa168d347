// The built desktop shell (out/main) under the stand-in Electron (tests/electron-harness), against the real
// core: start, the app:// window, the window's sign-in, and a quit that leaves no child behind.
import { afterEach, describe, expect, it } from 'vitest'
import type { Harness } from './electron-harness/client.js'
import { expectNoChildLeft, expectNoRealElectron, signIn, startedApp } from './electron-harness/scenario.js'

let h: Harness | undefined
afterEach(async () => h?.remove())

describe('desktop shell under the stand-in Electron', () => {
  it('starts the core, loads app:// in the window, signs the window in, and quits cleanly', async () => {
    h = await startedApp()
    const loaded = await h.waitFor('webContents.loaded')
    expect(loaded).toMatchObject({
      url: 'app://tack/index.html',
      status: 200,
      contentType: 'text/html; charset=utf-8',
      title: 'Tack',
    })
    expect(String(loaded.csp)).toMatch(/connect-src 'self' http:\/\/127\.0\.0\.1:\d+/)
    expect(h.records.find((r) => r.what === 'protocol.registerSchemesAsPrivileged')).toBeTruthy()
    const { apiUrl, secret } = await signIn(h)
    const files = await fetch(`${apiUrl}/api/files`, { headers: { authorization: `Bearer ${secret}` } })
    expect(files.status).toBe(200)
    h.sampleChildren()
    await h.request('quit')
    expect(await h.exited).toBe(0)
    expect(h.records.some((r) => r.what === 'before-quit.preventDefault')).toBe(true)
    expectNoChildLeft(h)
    expectNoRealElectron(h)
  })
})
