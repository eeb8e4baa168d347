// The packaged app's CLI mode runs the real CLI (src/cli/run.ts) against a temp data dir: here under Node,
// where the native module it names is not used (better-sqlite3's own build opens the file), as in any test.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { cliArguments, runCliMode, CLI_SWITCH } from './cli-mode.js'

const dir = mkdtempSync(join(tmpdir(), 'tack-cli-mode-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const init = (exit: (code: number) => void, stderr = vi.fn()) => ({
  resourcesPath: '/opt/Tack/resources',
  platform: 'linux',
  arch: 'x64',
  abi: '150',
  exit,
  stderr,
})

describe('CLI mode of the packaged app', () => {
  it('is this start only with the switch, and takes everything after it', () => {
    // What Electron sees from build/linux/tack-cli.sh: Chromium's switch first, then ours, then the user's.
    const argv = [
      '/opt/Tack/tack-desktop',
      '--ozone-platform=headless',
      CLI_SWITCH,
      'key',
      'list',
      '--data-dir',
      '/a b',
    ]
    expect(cliArguments(argv)).toEqual(['key', 'list', '--data-dir', '/a b'])
    expect(cliArguments(['/opt/Tack/tack-desktop', '--hidden'])).toBeUndefined()
  })

  it('runs one command and exits with its code (the main process would not end by itself)', async () => {
    const exit = vi.fn()
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      await runCliMode(['account', 'create', 'ada', '--data-dir', dir], init(exit))
      await runCliMode(['account', 'list', '--data-dir', dir], init(exit))
      expect(exit.mock.calls).toEqual([[0], [0]])
      expect(out.mock.calls.flat().join('')).toMatch(/ada/)
      await runCliMode(['no-such-command'], init(exit))
      expect(exit).toHaveBeenLastCalledWith(2)
    } finally {
      out.mockRestore()
    }
  })

  it('a command that fails exits 1 with its reason on stderr', async () => {
    const exit = vi.fn()
    const stderr = vi.fn()
    await runCliMode(['status', '--data-dir', dir, '--port', 'not-a-port'], init(exit, stderr))
    expect(exit).toHaveBeenCalledWith(1)
    expect(stderr.mock.calls.flat().join('')).toMatch(/^tack: .*port/)
  })
})
