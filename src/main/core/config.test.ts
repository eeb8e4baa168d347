import { describe, expect, it } from 'vitest'
import { configFromEnv, defaultDataDir, parseConfig } from './config.js'

describe('config', () => {
  it('uses the embedded defaults', () => {
    const config = parseConfig(configFromEnv({ HOME: '/home/u' }))
    expect(config).toMatchObject({ host: '127.0.0.1', port: 7575, ipfsNetwork: 'public', lan: false, lanPort: 7576 })
    expect(config.pinTimeoutMs).toBe(24 * 60 * 60 * 1000)
    expect(config.defaultQuotaBytes).toBe(1024 ** 3)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('lets flags win over variables and variables over defaults', () => {
    const env = { TACK_PORT: '9000', TACK_HOST: '0.0.0.0', TACK_DATA_DIR: '/tmp/a', TACK_LAN: '1', KUBO_BINARY: '/k' }
    const config = parseConfig(configFromEnv(env, { port: '9100', dataDir: '/tmp/b' }))
    expect(config).toMatchObject({ port: 9100, host: '0.0.0.0', dataDir: '/tmp/b', lan: true, kuboBinary: '/k' })
    expect(parseConfig(configFromEnv({ TACK_KUBO_BINARY: '/t', KUBO_BINARY: '/k' })).kuboBinary).toBe('/t')
  })

  it('refuses values that make no sense', () => {
    expect(() => parseConfig(configFromEnv({ TACK_PORT: 'abc' }))).toThrow(/port/)
    expect(() => parseConfig(configFromEnv({ TACK_PORT: '70000' }))).toThrow(/port/)
    expect(() => parseConfig(configFromEnv({ TACK_IPFS_NETWORK: 'mainnet' }))).toThrow(/ipfsNetwork/)
  })

  it('puts data in the OS app-data dir', () => {
    expect(defaultDataDir({}, 'linux')).toMatch(/\.local\/share\/tack$/)
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/tack')
    expect(defaultDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/tack$/)
  })
})
