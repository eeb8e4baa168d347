// The native-module step for Electron runs beside system Node's build, never over it: after it ran (and
// whether or not it could download Electron's headers), the package's own binary is byte-for-byte the same
// and a real SQLite file still opens under Node, as `tack` and the tests open it.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb } from '../src/main/core/db/index.js'

const root = join(import.meta.dirname, '..')
const nodeBuild = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')
const abi = readFileSync(join(root, 'node_modules', 'electron', 'abi_version'), 'utf8').trim()
const dir = mkdtempSync(join(tmpdir(), 'tack-native-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('scripts/build-native-electron.mjs', () => {
  it('leaves the Node build alone; SQLite still opens under Node afterwards', () => {
    const before = sha(nodeBuild)
    const step = spawnSync(process.execPath, [join(root, 'scripts', 'build-native-electron.mjs')], {
      cwd: root,
      encoding: 'utf8',
      // Each download or compile attempt is bounded, so a slow machine ends in "could not be made" (3), not a hang.
      env: { ...process.env, TACK_NATIVE_TIMEOUT_MS: '45000' },
      timeout: 110_000,
    })
    // 0: built (or present); 3: Electron's prebuilt binary and headers could not be downloaded, said clearly.
    expect([0, 3], step.stderr).toContain(step.status)
    const electronBuild = join(root, 'build', 'native', `electron-${abi}`, `${process.platform}-${process.arch}`)
    if (step.status === 3) {
      expect(step.stderr).toMatch(/could not be made/)
      expect(step.stderr).toMatch(/node_modules\/better-sqlite3 was not touched/)
    } else {
      expect(existsSync(join(electronBuild, 'better_sqlite3.node'))).toBe(true)
      // Electron's build is for another ABI: plain Node refuses it, which proves it is not Node's.
      const load = spawnSync(
        process.execPath,
        ['-e', `require(${JSON.stringify(join(electronBuild, 'better_sqlite3.node'))})`],
        {
          encoding: 'utf8',
        },
      )
      expect(load.stderr).toMatch(/NODE_MODULE_VERSION/)
    }
    expect(sha(nodeBuild)).toBe(before)
    // No scratch copy is left behind.
    expect(existsSync(join(root, 'build', 'native', `.work-${abi}-${process.platform}-${process.arch}`))).toBe(false)

    // Under Node, a config naming the Electron build is ignored: the package's own build opens the file.
    const db = openDb(join(dir, 'tack.db'), { electronBinding: join(electronBuild, 'better_sqlite3.node') })
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (42)')
    expect(db.prepare('SELECT x FROM t').get()).toEqual({ x: 42 })
    db.close()
    // And a separate Node process (what `tack` is) loads the package as before.
    const cli = spawnSync(
      process.execPath,
      [
        '-e',
        "const D=require('better-sqlite3');const d=new D(':memory:');console.log(d.prepare('select 7 as v').get().v)",
      ],
      { cwd: root, encoding: 'utf8' },
    )
    expect(cli.stdout.trim()).toBe('7')
  })
})
