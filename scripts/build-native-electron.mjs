#!/usr/bin/env node
// Builds better-sqlite3's native module for Electron's ABI, beside (never over) the one system Node uses.
// `tack`, `npm start` and the tests load node_modules/better-sqlite3/build/Release (system Node's ABI); the
// desktop app loads build/native/electron-<abi>/<platform>-<arch>/better_sqlite3.node, passed explicitly as
// better-sqlite3's `nativeBinding` (src/main/desktop.ts → config.sqliteBinding → src/main/core/db). The
// build happens in a copy of the package, so node_modules is never touched.
//
// usage: node scripts/build-native-electron.mjs [--target <platform>-<arch>] [--force]
// Tries a prebuilt binary (prebuild-install, from better-sqlite3's GitHub releases), then a compile against
// Electron's headers (node-gyp; host platform only). Where neither can be downloaded it says so and exits
// with code 3, leaving everything else as it was. It first says when this Node is older than the desktop
// build needs (scripts/desktop-node.mjs): the module can still be made, but `npm run dev`/`dist` cannot run.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { desktopNodeProblem } from './desktop-node.mjs'

const EXIT_UNAVAILABLE = 3
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const flag = (name) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const target = flag('--target') ?? `${process.platform}-${process.arch}`
const [platform, arch] = target.split('-')
const force = args.includes('--force')
const timeout = Number(process.env.TACK_NATIVE_TIMEOUT_MS ?? 10 * 60 * 1000)
const log = (msg) => console.error(`[native-electron] ${msg}`)

if (!['linux', 'darwin', 'win32'].includes(platform) || !['x64', 'arm64'].includes(arch)) {
  log(`unknown target ${target} (expected linux|darwin|win32 - x64|arm64)`)
  process.exit(2)
}
const electronDir = join(root, 'node_modules', 'electron')
if (!existsSync(join(electronDir, 'abi_version'))) {
  log('node_modules/electron is missing (npm install first)')
  process.exit(2)
}
// Said first, so a failure further down (no Electron binary, a download refused) is read with it in mind.
const nodeProblem = desktopNodeProblem(root)
if (nodeProblem) log(`warning: ${nodeProblem}`)
const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version
const abi = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim()
const pkgDir = join(root, 'node_modules', 'better-sqlite3')
const sqliteVersion = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version
const outDir = join(root, 'build', 'native', `electron-${abi}`, target)
const out = join(outDir, 'better_sqlite3.node')
const stamp = join(outDir, 'built-from.json')
const wanted = { electron: electronVersion, abi, betterSqlite3: sqliteVersion, target }

if (!force && existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === JSON.stringify(wanted)) {
  log(`present: ${out}`)
  process.exit(0)
}

// A private copy of the package without its build/ (the Node build stays where it is).
const work = join(root, 'build', 'native', `.work-${abi}-${target}`)
rmSync(work, { recursive: true, force: true })
cpSync(pkgDir, work, { recursive: true, filter: (src) => !src.startsWith(join(pkgDir, 'build')) })
const built = join(work, 'build', 'Release', 'better_sqlite3.node')

// npm and npx export their settings as npm_config_*; nodedir=/usr (system Node's headers) would make node-gyp
// compile for Node's ABI while we asked for Electron's. Only our flags decide what is built.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !/^npm_config_(nodedir|target|runtime|arch|platform|disturl|dist_url|build_from_source)$/i.test(k),
  ),
)
const run = (what, cmd, cmdArgs) => {
  log(`${what}: ${[cmd, ...cmdArgs].join(' ')}`)
  const r = spawnSync(cmd, cmdArgs, { cwd: work, encoding: 'utf8', timeout, env })
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim()
  if (r.status === 0 && existsSync(built)) return undefined
  return output.split('\n').slice(-3).join(' | ') || String(r.error ?? `exit ${r.status}`)
}

const failures = []
const prebuilt = run('prebuilt', process.execPath, [
  join(root, 'node_modules', 'prebuild-install', 'bin.js'),
  '--runtime=electron',
  `--target=${electronVersion}`,
  `--platform=${platform}`,
  `--arch=${arch}`,
  '--verbose',
])
if (prebuilt) failures.push(`prebuilt download: ${prebuilt}`)
if (prebuilt && platform === process.platform) {
  const compiled = run('compile', process.execPath, [
    join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    'rebuild',
    '--release',
    '--runtime=electron',
    `--target=${electronVersion}`,
    `--arch=${arch}`,
    '--dist-url=https://electronjs.org/headers',
    `--devdir=${join(homedir(), '.electron-gyp')}`,
  ])
  if (compiled) failures.push(`compile against Electron's headers: ${compiled}`)
  else failures.length = 0
} else if (prebuilt) failures.push(`compile: not possible for ${platform} on ${process.platform}`)

if (failures.length > 0 || !existsSync(built)) {
  rmSync(work, { recursive: true, force: true })
  log(
    [
      `better-sqlite3 for Electron ${electronVersion} (ABI ${abi}, ${target}) could not be made:`,
      ...failures.map((f) => `  - ${f}`),
      "Neither a prebuilt binary nor Electron's headers could be downloaded. The desktop app (`npm run dev`,",
      '`npm run dist`) needs this module; `tack`, `npm start` and the tests do not, and are unchanged',
      '(node_modules/better-sqlite3 was not touched). Retry where github.com or electronjs.org is reachable,',
      "or put Electron's headers in ~/.electron-gyp.",
    ].join('\n'),
  )
  process.exit(EXIT_UNAVAILABLE)
}
// On the host, prove it is not Node's build: plain Node must refuse it for its ABI.
if (platform === process.platform && arch === process.arch && abi !== process.versions.modules) {
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(built)})`], { encoding: 'utf8' })
  if (!/NODE_MODULE_VERSION/.test(probe.stderr)) {
    rmSync(work, { recursive: true, force: true })
    log(`the module built is not for Electron's ABI ${abi} (Node loaded it); refusing to install it`)
    process.exit(1)
  }
}
mkdirSync(outDir, { recursive: true })
cpSync(built, out)
writeFileSync(stamp, JSON.stringify(wanted))
rmSync(work, { recursive: true, force: true })
log(`built: ${out}`)
