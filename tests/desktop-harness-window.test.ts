// The window and the OS integration under the stand-in Electron against the real core: the application menu
// on each platform, a renderer that crashes or hangs, and login items on each OS branch (process.platform as
// Electron would report it there).
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Harness, HarnessRecord } from './electron-harness/client.js'
import { click, expectNoChildLeft, quitLeavingNothing, startedApp, type Result } from './electron-harness/scenario.js'
import { minioBinary } from './electron-harness/binaries.js'

let h: Harness | undefined
// Every scenario ends with a quit that leaves no Kubo, MinIO or tack-launcher behind.
afterEach(async () => {
  try {
    await quitLeavingNothing(h)
  } finally {
    await h?.remove()
    h = undefined
  }
})

type Item = { label?: string; role?: string; submenu?: Item[] }
const roles = (items: Item[]): string[] =>
  items.flatMap((i) => [...(i.role ? [i.role] : []), ...roles(i.submenu ?? [])])
const appMenu = (app: Harness) =>
  app.records.find((r) => r.what === 'Menu.setApplicationMenu')?.template as Item[] | undefined
const after = (r: HarnessRecord) => (x: HarnessRecord) => x.seq > r.seq

describe('desktop shell: window and OS integration', () => {
  it('Linux: an application menu of its own (File, Edit, View, Help), no DevTools, no electronjs.org', async () => {
    h = await startedApp()
    const menu = appMenu(h)!
    expect(menu.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help'])
    expect(roles(menu)).not.toContain('toggleDevTools')
    expect(JSON.stringify(menu)).not.toMatch(/electron/i)
  })

  it('a crashed renderer is reloaded, a few times at most, then the user is told', async () => {
    h = await startedApp()
    for (let i = 0; i < 4; i++)
      await h.request('emit', {
        target: 'webContents',
        event: 'render-process-gone',
        args: [{ reason: 'crashed', exitCode: 139 }],
      })
    await h.waitFor('dialog.showErrorBox')
    expect(h.records.filter((r) => r.what === 'webContents.reload')).toHaveLength(3)
  })

  it('a hung renderer: the user is asked, and Reload restarts the renderer', async () => {
    h = await startedApp()
    await h.request('answers', { kind: 'messageBox', values: [1] })
    await h.request('emit', { target: 'window', event: 'unresponsive' })
    const asked = await h.waitFor('dialog.showMessageBox', (r) =>
      /not responding/.test(String((r.options as { message: string }).message)),
    )
    await h.waitFor('webContents.forcefullyCrashRenderer', after(asked))
    await h.waitFor('webContents.loaded', after(asked))
    // The forced crash is ours: it is not counted or reloaded again.
    expect(h.records.filter((r) => r.what === 'webContents.reload')).toHaveLength(1)
  })

  it('login item on Linux: an XDG autostart entry, read back from the file', async () => {
    h = await startedApp()
    await click(h)
    const set = await h.request<Result<{ openAtLogin: boolean }>>('invoke', {
      channel: 'tack:set-settings',
      args: [{ openAtLogin: true }],
    })
    expect(set).toMatchObject({ ok: true, value: { openAtLogin: true } })
    const entry = join(h.userData, '..', 'config', 'autostart', 'tack.desktop')
    expect(readFileSync(entry, 'utf8')).toMatch(/^Exec=.*--hidden/m)
    // The core's private modes are its own files', not the whole app's: what the shell writes (this entry, a
    // download) gets the user's usual mode, as a file this test writes does.
    const usual = join(h.userData, '..', 'usual-mode')
    writeFileSync(usual, '')
    expect(statSync(entry).mode & 0o777).toBe(statSync(usual).mode & 0o777)
    await click(h)
    await h.request('invoke', { channel: 'tack:set-settings', args: [{ openAtLogin: false }] })
    expect(existsSync(entry)).toBe(false)
  })

  for (const [platform, settings] of [
    ['darwin', { openAtLogin: true }],
    ['win32', { openAtLogin: true, args: ['--hidden'] }],
  ] as const)
    it(`login item on ${platform}: Electron's login item settings`, async () => {
      h = await startedApp({ platform, env: { TACK_MINIO_BINARY: minioBinary() } })
      expect(h.records.some((r) => r.what === 'app.getLoginItemSettings')).toBe(true)
      await click(h)
      const set = await h.request<Result>('invoke', { channel: 'tack:set-settings', args: [{ openAtLogin: true }] })
      expect(set.ok).toBe(true)
      expect(h.records.find((r) => r.what === 'app.setLoginItemSettings')?.settings).toEqual(settings)
      if (platform === 'darwin') {
        const menu = appMenu(h)!
        expect(roles([menu[0]!])).toEqual(expect.arrayContaining(['about', 'hide', 'quit']))
        expect(menu.map((m) => m.label)).toEqual(expect.arrayContaining(['Edit', 'Window']))
      }
      h.sampleChildren()
      await h.request('quit')
      await h.exited
      expectNoChildLeft(h)
    })
})
