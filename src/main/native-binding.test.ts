import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { chooseNativeBinding } from './core/db/index.js'
import { electronSqliteBinding } from './native-binding.js'

describe('better-sqlite3 per runtime', () => {
  const base = {
    resourcesPath: '/opt/Tack/resources',
    appRoot: '/src/tack',
    abi: '150',
    platform: 'linux',
    arch: 'x64',
  }

  it('names the packaged copy in resources, and the side-by-side build in development', () => {
    expect(electronSqliteBinding({ ...base, packaged: true })).toBe(
      join('/opt/Tack/resources', 'native', 'better_sqlite3.node'),
    )
    expect(electronSqliteBinding({ ...base, packaged: false })).toBe(
      join('/src/tack', 'build', 'native', 'electron-150', 'linux-x64', 'better_sqlite3.node'),
    )
  })

  it('loads the Electron build only under Electron; plain Node keeps the package default', () => {
    expect(chooseNativeBinding('/x/better_sqlite3.node', { electron: '45.4.1' })).toBe('/x/better_sqlite3.node')
    expect(chooseNativeBinding('/x/better_sqlite3.node', {})).toBeUndefined()
    expect(chooseNativeBinding(undefined, { electron: '45.4.1' })).toBeUndefined()
    // This test runs under Node: whatever a desktop config says, the package's own build is used.
    expect(chooseNativeBinding('/x/better_sqlite3.node')).toBeUndefined()
  })
})
