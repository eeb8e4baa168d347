// The Linux packages' `tack` on PATH: the script they install runs the app's binary in CLI mode, reached
// through the /usr/bin link, with the user's arguments intact; the deb's scripts are electron-builder's own
// plus the link, with no shell `${...}` that electron-builder would take for one of its macros.
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const repo = join(import.meta.dirname, '..')
const templates = join(
  dirname(createRequire(import.meta.url).resolve('app-builder-lib/package.json')),
  'templates',
  'linux',
)
const root = mkdtempSync(join(tmpdir(), 'tack-linux-cli-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('the `tack` CLI of the Linux packages', () => {
  it('runs the app binary in CLI mode through the /usr/bin link, arguments intact', () => {
    // The installed layout: /opt/Tack/{tack-desktop,resources/cli/tack}, /usr/bin/tack → the script.
    const app = join(root, 'opt', 'Tack')
    mkdirSync(join(app, 'resources', 'cli'), { recursive: true })
    cpSync(join(repo, 'build', 'linux', 'tack-cli.sh'), join(app, 'resources', 'cli', 'tack'))
    // The app binary's stand-in prints each argument it got on a line of its own.
    writeFileSync(join(app, 'tack-desktop'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
    chmodSync(join(app, 'tack-desktop'), 0o755)
    mkdirSync(join(root, 'usr', 'bin'), { recursive: true })
    symlinkSync(join(app, 'resources', 'cli', 'tack'), join(root, 'usr', 'bin', 'tack'))
    const run = spawnSync(join(root, 'usr', 'bin', 'tack'), ['key', 'create', '--name', 'my laptop'], {
      encoding: 'utf8',
    })
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      '--ozone-platform=headless',
      '--tack-cli',
      'key',
      'create',
      '--name',
      'my laptop',
    ])
  })

  it("the deb's scripts are electron-builder's templates, then the CLI link, with only its macros", () => {
    const scripts: [string, string][] = [
      ['after-install.sh', 'after-install.tpl'],
      ['after-remove.sh', 'after-remove.tpl'],
    ]
    for (const [script, template] of scripts) {
      const ours = readFileSync(join(repo, 'build', 'linux', script), 'utf8')
      // An electron-builder upgrade that changes its template fails here: copy the new one above our part.
      expect(ours.startsWith(readFileSync(join(templates, template), 'utf8'))).toBe(true)
      expect(ours).toContain("'/opt/${sanitizedProductName}/resources/cli/tack'")
      // electron-builder replaces every ${name} and fails the build on one it does not know.
      const macros = [...ours.matchAll(/\$\{([a-zA-Z]+)\}/g)].map((m) => m[1])
      expect(new Set(macros)).toEqual(new Set(['executable', 'sanitizedProductName']))
      expect(spawnSync('bash', ['-n', join(repo, 'build', 'linux', script)]).status).toBe(0)
    }
  })

  it("after-install links /usr/bin/tack to the CLI, replaces an older Tack's GUI link, keeps anyone else's", () => {
    // Tack's part of the script, run against a temp root (paths rewritten, update-alternatives stood in for).
    const script = readFileSync(join(repo, 'build', 'linux', 'after-install.sh'), 'utf8')
    const sandbox = join(root, 'install')
    const part = script
      .slice(script.indexOf('# --- Tack'))
      .replaceAll('${sanitizedProductName}', 'Tack')
      .replaceAll('/usr/bin/', `${sandbox}/usr/bin/`)
      .replaceAll("'/opt/", `'${sandbox}/opt/`)
      .replaceAll('update-alternatives', 'true')
    const bin = join(sandbox, 'usr', 'bin', 'tack')
    const cli = join(sandbox, 'opt', 'Tack', 'resources', 'cli', 'tack')
    const install = () => spawnSync('bash', ['-c', part], { encoding: 'utf8' })
    mkdirSync(dirname(bin), { recursive: true })
    mkdirSync(dirname(cli), { recursive: true })
    writeFileSync(cli, '')
    writeFileSync(join(sandbox, 'opt', 'Tack', 'tack'), '')

    expect(install().status).toBe(0)
    expect(readlinkSync(bin)).toBe(cli)
    expect(install().status).toBe(0) // again (an upgrade): still ours
    expect(readlinkSync(bin)).toBe(cli)

    rmSync(bin)
    symlinkSync(join(sandbox, 'opt', 'Tack', 'tack'), bin) // what an older Tack's deb installed: its GUI
    expect(install().status).toBe(0)
    expect(readlinkSync(bin)).toBe(cli)

    rmSync(bin)
    writeFileSync(bin, '#!/bin/sh\n# an npm-installed tack\n')
    const kept = install()
    expect(kept.stdout).toContain('/usr/bin/tack belongs to another program')
    expect(readFileSync(bin, 'utf8')).toContain('npm-installed')
  })
})
