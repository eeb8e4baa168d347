import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { autostartEntry, DEFAULT_SETTINGS, loadSettings, saveSettings } from './settings.js'

const dir = mkdtempSync(join(tmpdir(), 'tack-settings-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('settings', () => {
  it('round-trips and falls back to defaults', () => {
    const file = join(dir, 'a', 'settings.json')
    expect(loadSettings(file)).toEqual(DEFAULT_SETTINGS)
    saveSettings(file, { openAtLogin: true })
    expect(loadSettings(file)).toEqual({ openAtLogin: true })
    writeFileSync(file, '{"openAtLogin": "yes"}')
    expect(loadSettings(file)).toEqual(DEFAULT_SETTINGS)
    writeFileSync(file, 'not json')
    expect(loadSettings(file)).toEqual(DEFAULT_SETTINGS)
  })

  it('writes an autostart entry that starts hidden', () => {
    expect(autostartEntry('/opt/Tack/tack')).toContain('Exec=/opt/Tack/tack --hidden')
    expect(autostartEntry('/home/me/My Apps/Tack.AppImage')).toContain('Exec="/home/me/My Apps/Tack.AppImage" --hidden')
  })
})
