// What the shell does with files and the core for the window, under the stand-in Electron against the real
// core: drops (through the real IPC handler and main's confirmation), files handed to a second launch, Back
// up, notifications that stay clickable, and IPC from a frame that is not the app's window.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from './fixtures/tmp.js'
import type { Harness } from './electron-harness/client.js'
import {
  click,
  expectNoChildLeft,
  quitLeavingNothing,
  signIn,
  startedApp,
  type Result,
} from './electron-harness/scenario.js'

let h: Harness | undefined
const dir = tempDir('tack-harness-files-')
// Every scenario ends with a quit that leaves no Kubo, MinIO or tack-launcher behind.
afterEach(async () => {
  try {
    await quitLeavingNothing(h)
  } finally {
    await h?.remove()
    h = undefined
  }
})

const file = (name: string, text: string) => (writeFileSync(join(dir.path, name), text), join(dir.path, name))
const confirmations = (app: Harness) =>
  app.records.filter(
    (r) => r.what === 'dialog.showMessageBox' && /to IPFS\?/.test(String((r.options as { message?: string }).message)),
  )

describe('desktop shell: files, backups, notifications, senders', () => {
  it('a drop on the window is confirmed with full paths, then uploaded through the real core', async () => {
    h = await startedApp()
    const a = file('drop-a.txt', 'dropped a')
    await h.request('answers', { kind: 'messageBox', values: [0] })
    const result = await h.request<Result<Array<{ status: string; cid?: string }>>>('invoke', {
      channel: 'tack:dropped-paths',
      args: [[a]],
    })
    expect(result.ok).toBe(true)
    expect(result.value![0]).toMatchObject({ status: 'done' })
    const [asked] = confirmations(h)
    expect((asked!.options as { message: string }).message).toBe(`Add "${a}" to IPFS?`)
    const { apiUrl, secret } = await signIn(h)
    const listed = await (await fetch(`${apiUrl}/api/files`, { headers: { authorization: `Bearer ${secret}` } })).text()
    expect(listed).toContain(result.value![0]!.cid)
  })

  it('a dropped folder is uploaded as one folder entry with its CID, as the browser UI does', async () => {
    h = await startedApp()
    const folder = join(dir.path, 'album')
    mkdirSync(join(folder, '2024'), { recursive: true })
    writeFileSync(join(folder, 'one.txt'), 'one')
    writeFileSync(join(folder, '2024', 'two.txt'), 'two')
    await h.request('answers', { kind: 'messageBox', values: [0] })
    const result = await h.request<Result<Array<{ name: string; status: string; cid?: string }>>>('invoke', {
      channel: 'tack:dropped-paths',
      args: [[folder]],
    })
    expect(result.value).toEqual([expect.objectContaining({ name: 'album', status: 'done' })])
    const { apiUrl, secret } = await signIn(h)
    const list = (await (
      await fetch(`${apiUrl}/api/files`, { headers: { authorization: `Bearer ${secret}` } })
    ).json()) as { results: Array<{ type?: string; cid: string; name: string }> }
    expect(list.results).toEqual([expect.objectContaining({ type: 'directory', cid: result.value![0]!.cid })])
  })

  it('the confirmation names "/" and the home folder by their full paths (cancelled: nothing read)', async () => {
    h = await startedApp()
    await h.request('answers', { kind: 'messageBox', values: [1] })
    const result = await h.request<Result>('invoke', { channel: 'tack:dropped-paths', args: [['/', homedir()]] })
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    const detail = String((confirmations(h)[0]!.options as { detail: string }).detail)
    expect(detail.split('\n').slice(0, 2)).toEqual(['/', homedir()])
  })

  it('Back up writes the core export to the chosen file through the desktop path', async () => {
    h = await startedApp()
    const target = join(dir.path, 'backup.tar')
    await h.request('answers', { kind: 'save', values: [target] })
    await click(h)
    const result = await h.request<Result<{ path: string; bytes: number }>>('invoke', { channel: 'tack:save-backup' })
    expect(result.error?.message ?? '').toBe('')
    expect(result).toMatchObject({ ok: true, value: { path: target } })
    expect(statSync(target).size).toBe(result.value!.bytes)
    expect(readFileSync(target).includes('manifest.json')).toBe(true)
  })

  it("LAN sharing switched from the window goes through the shell's LAN client to the real core, and back", async () => {
    h = await startedApp()
    const { apiUrl, secret } = await signIn(h)
    const coreLan = async () =>
      (
        (await (await fetch(`${apiUrl}/api/settings`, { headers: { authorization: `Bearer ${secret}` } })).json()) as {
          lan: boolean
        }
      ).lan
    expect(await coreLan()).toBe(false)
    await click(h)
    const on = await h.request<Result<{ lan: boolean }>>('invoke', {
      channel: 'tack:set-settings',
      args: [{ lan: true }],
    })
    expect(on).toMatchObject({ ok: true, value: { lan: true } })
    expect(await coreLan()).toBe(true)
    // The window is told what the core now says.
    const read = await h.request<Result<{ lan: boolean }>>('invoke', { channel: 'tack:get-settings' })
    expect(read).toMatchObject({ ok: true, value: { lan: true } })
    await click(h)
    const off = await h.request<Result<{ lan: boolean }>>('invoke', {
      channel: 'tack:set-settings',
      args: [{ lan: false }],
    })
    expect(off).toMatchObject({ ok: true, value: { lan: false } })
    expect(await coreLan()).toBe(false)
  })

  it('files passed to a second launch are confirmed and uploaded like a drop', async () => {
    h = await startedApp()
    const b = file('second-b.txt', 'from a second launch')
    await h.request('answers', { kind: 'messageBox', values: [0] })
    await h.request('emit', {
      target: 'app',
      event: 'second-instance',
      args: [['/opt/Tack/tack', '--no-sandbox', b], dir.path],
    })
    await h.waitFor(
      'webContents.send',
      (r) => r.channel === 'tack:upload' && (r.payload as { status?: string }).status === 'done',
      30_000,
    )
    expect((confirmations(h)[0]!.options as { message: string }).message).toBe(`Add "${b}" to IPFS?`)
  })

  it('a notification stays clickable after a garbage collection (the click shows the window)', async () => {
    h = await startedApp()
    await h.request('answers', { kind: 'messageBox', values: [0] })
    await h.request('invoke', { channel: 'tack:dropped-paths', args: [[file('note.txt', 'notify me')]] })
    const shown = await h.waitFor('Notification.new', (r) => (r.options as { title?: string }).title === 'Uploaded')
    await h.request('close')
    for (let i = 0; i < 3; i++) await h.request('gc')
    const before = h.records.length
    const { collected } = await h.request<{ collected: boolean }>('click-notification', { n: shown.n })
    expect(collected).toBe(false)
    await h.waitFor('window.show', (r) => r.seq > h!.records[before - 1]!.seq)
  })

  it('refuses IPC from a foreign frame, a subframe and another webContents', async () => {
    h = await startedApp()
    const foreign = await h.request<Result>('invoke', {
      channel: 'tack:get-connection',
      frame: { url: 'https://evil.example/' },
    })
    const sub = await h.request<Result>('invoke', { channel: 'tack:get-connection', frame: { parent: {} } })
    const other = await h.request<Result>('invoke', { channel: 'tack:get-connection', senderId: 999 })
    for (const r of [foreign, sub, other]) expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    const own = await h.request<Result>('invoke', { channel: 'tack:get-connection' })
    expect(own.ok).toBe(true)
    h.sampleChildren()
    await h.request('quit')
    await h.exited
    expectNoChildLeft(h)
  })
})

mkdirSync(dir.path, { recursive: true })
