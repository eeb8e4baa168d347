import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it } from 'vitest'
import { appMenuTemplate } from './app-menu.js'

const roles = (items: MenuItemConstructorOptions[]): string[] =>
  items.flatMap((i) => [...(i.role ? [i.role] : []), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])])
const base = { openLogs: () => {}, about: () => {} }

describe('appMenuTemplate', () => {
  it('macOS: the app menu with About, Hide and Quit, then Edit and Window', () => {
    const menu = appMenuTemplate({ ...base, platform: 'darwin', packaged: true })
    expect(menu.map((m) => m.label ?? m.role)).toEqual(['Tack', 'Edit', 'View', 'Window', 'help'])
    expect(roles([menu[0]!])).toEqual(expect.arrayContaining(['about', 'hide', 'quit']))
  })

  it('Linux and Windows: File, Edit, View, Help; no DevTools when packaged', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const menu = appMenuTemplate({ ...base, platform, packaged: true })
      expect(menu.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help'])
      expect(roles(menu)).not.toContain('toggleDevTools')
      expect(roles(menu)).toContain('quit')
    }
  })

  it('DevTools only in development', () => {
    expect(roles(appMenuTemplate({ ...base, platform: 'linux', packaged: false }))).toContain('toggleDevTools')
  })
})
