import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultDataDir } from './core/config.js'
import { chooseDesktopFolder, desktopFolder } from './desktop-folder.js'

let home: string
afterEach(() => rmSync(home, { recursive: true, force: true }))

/** What an earlier desktop left in Electron's default folder, which is also the CLI's data dir there. */
function sharedFolder(folder: string, pid?: number) {
  mkdirSync(join(folder, 'data', 'kubo'), { recursive: true })
  writeFileSync(join(folder, 'data', 'tack.db'), 'desktop db')
  if (pid) writeFileSync(join(folder, 'data', 'tack.pid'), `${pid}\n\n`)
  writeFileSync(join(folder, 'settings.json'), '{"openAtLogin":true}')
  mkdirSync(join(folder, 'logs'))
  writeFileSync(join(folder, 'logs', 'tack.log'), 'line\n')
  // The CLI's own data dir content, at the top of the same folder.
  writeFileSync(join(folder, 'tack.db'), 'cli db')
  mkdirSync(join(folder, 'kubo'))
}

describe('the desktop folder', () => {
  it('macOS: apart from the CLI data dir, with the desktop data moved out of it once', () => {
    home = mkdtempSync(join(tmpdir(), 'tack-home-'))
    // Electron's default userData, "Tack", is the CLI's "tack" on a case-insensitive file system.
    const electronDefault = join(home, 'Library', 'Application Support', 'Tack')
    sharedFolder(electronDefault)
    const target = desktopFolder('darwin', {}, home)!
    expect(target.toLowerCase()).not.toBe(defaultDataDir({}, 'darwin').toLowerCase())

    const first = chooseDesktopFolder({ platform: 'darwin', env: {}, current: electronDefault, home })
    expect(first.userData).toBe(join(home, 'Library', 'Application Support', 'Tack Desktop'))
    expect(readFileSync(join(first.userData, 'data', 'tack.db'), 'utf8')).toBe('desktop db')
    expect(existsSync(join(first.userData, 'data', 'kubo'))).toBe(true)
    expect(readFileSync(join(first.userData, 'settings.json'), 'utf8')).toBe('{"openAtLogin":true}')
    expect(readFileSync(join(first.userData, 'logs', 'tack.log'), 'utf8')).toBe('line\n')
    expect(first.notes).toHaveLength(3)
    // The CLI's data stays where the CLI looks for it; nothing of the desktop's is left there.
    expect(readFileSync(join(electronDefault, 'tack.db'), 'utf8')).toBe('cli db')
    expect(existsSync(join(electronDefault, 'data'))).toBe(false)

    // The next start moves nothing and finds the same folder.
    const second = chooseDesktopFolder({ platform: 'darwin', env: {}, current: electronDefault, home })
    expect(second).toEqual({ userData: first.userData, notes: [] })
  })

  it('Windows: under %APPDATA%, and an entry already in the new folder is never overwritten', () => {
    home = mkdtempSync(join(tmpdir(), 'tack-home-'))
    const appData = join(home, 'Roaming')
    const electronDefault = join(appData, 'Tack')
    sharedFolder(electronDefault)
    const target = join(appData, 'Tack Desktop')
    mkdirSync(join(target, 'data'), { recursive: true })
    writeFileSync(join(target, 'data', 'tack.db'), 'newer')

    const choice = chooseDesktopFolder({ platform: 'win32', env: { APPDATA: appData }, current: electronDefault, home })
    expect(choice.userData).toBe(target)
    expect(readFileSync(join(target, 'data', 'tack.db'), 'utf8')).toBe('newer')
    expect(readFileSync(join(electronDefault, 'data', 'tack.db'), 'utf8')).toBe('desktop db')
    expect(existsSync(join(target, 'settings.json'))).toBe(true)
  })

  it('moves nothing while a Tack may still run on the old data dir, and stays there for this start', () => {
    home = mkdtempSync(join(tmpdir(), 'tack-home-'))
    const electronDefault = join(home, 'Library', 'Application Support', 'Tack')
    // A live pid that is not this process: the test runner's parent.
    sharedFolder(electronDefault, process.ppid)
    const choice = chooseDesktopFolder({ platform: 'darwin', env: {}, current: electronDefault, home })
    expect(choice.userData).toBe(electronDefault)
    expect(choice.notes.join()).toMatch(new RegExp(`may still run .*pid ${process.ppid}`))
    expect(existsSync(join(electronDefault, 'data', 'tack.db'))).toBe(true)
    expect(existsSync(desktopFolder('darwin', {}, home)!)).toBe(false)
  })

  it("Linux: Electron's default (~/.config/Tack) is already apart from the CLI's and is kept", () => {
    home = mkdtempSync(join(tmpdir(), 'tack-home-'))
    const current = join(home, '.config', 'Tack')
    expect(chooseDesktopFolder({ platform: 'linux', env: {}, current, home })).toEqual({ userData: current, notes: [] })
    expect(current).not.toBe(defaultDataDir({}, 'linux'))
  })
})
