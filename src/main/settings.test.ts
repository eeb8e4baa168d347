import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { autostartEntry, DEFAULT_SETTINGS, execArgument, loadSettings, saveSettings } from './settings.js'

/** What a desktop environment runs for an Exec= value, decoded by the spec's rules in their order:
 * string escapes first, then quoting (backslash escapes \", \`, \$, \\ inside quotes), then %% → %. */
function decodeExec(value: string): string[] {
  const unescaped = value.replace(/\\([\\sntr;])/g, (_, c: string) => ({ s: ' ', n: '\n', t: '\t', r: '\r' })[c] ?? c)
  const args: string[] = []
  let current = ''
  let inQuotes = false
  let started = false
  for (let i = 0; i < unescaped.length; i++) {
    const c = unescaped[i]!
    if (inQuotes) {
      if (c === '\\' && '"`$\\'.includes(unescaped[i + 1] ?? '')) current += unescaped[++i]
      else if (c === '"') inQuotes = false
      else if ('"`$\\'.includes(c)) throw new Error(`unescaped ${c} in quotes`)
      else current += c
    } else if (c === '"') {
      inQuotes = true
      started = true
    } else if (c === ' ') {
      if (started) args.push(current)
      current = ''
      started = false
    } else {
      if (/[\t"'\\><~|&;$*?#()`]/.test(c)) throw new Error(`reserved ${c} outside quotes`)
      current += c
      started = true
    }
  }
  if (inQuotes) throw new Error('unterminated quotes')
  if (started) args.push(current)
  return args.map((a) => a.replace(/%(.)/g, (m, c: string) => (c === '%' ? '%' : m)))
}

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

  it('quotes Exec= arguments as the Desktop Entry spec says, so any path runs as itself', () => {
    const paths = [
      '/opt/Tack/tack',
      '/home/me/My Apps/Tack.AppImage',
      '/home/me/$HOME/tack',
      '/home/me/`id`/tack',
      '/home/me/100%/tack',
      '/home/me/%f/tack',
      '/home/me/say "hi"/tack',
      '/home/me/back\\slash/tack',
      "/home/me/it's (mine); & more|~*?#<>/tack",
    ]
    for (const path of paths) {
      const line = autostartEntry(path)
        .split('\n')
        .find((l) => l.startsWith('Exec='))!
      expect(decodeExec(line.slice('Exec='.length)), path).toEqual([path, '--hidden'])
    }
    expect(execArgument('/a/$x')).toBe('"/a/\\\\$x"')
    expect(execArgument('/a/100%')).toBe('/a/100%%')
    expect(() => execArgument('/a\nb')).toThrow(/line break/)
  })
})
