#!/usr/bin/env node
// The packaging dry run, offline: electron-builder packs the linux-x64 unpacked tree (`--linux dir`) exactly
// as `npm run dist` would, with electron-builder.yml and its hooks, except that Electron itself is a stand-in
// (electronDist: a directory whose `electron` is a shell script carrying a fuse wire in Electron's format),
// since Electron cannot be downloaded here. Then the packaged tree is checked:
// - the GUI executable is `tack-desktop`, the CLI's script is resources/cli/tack; the fuses were flipped as
//   electron-builder.yml says (read back from the stand-in's wire: the real binary's wire is not checked);
// - Kubo, MinIO and tack-launcher for linux-x64 are there, executable, and built for linux-x64;
// - better-sqlite3's native module is Electron's ABI build, and no other build of it is packed; where
//   Electron's headers could not be had (offline), it is absent and the run says so;
// - app.asar holds only the built app and runtime dependencies (no maps, TypeScript, tests, benchmarks, Go
//   sources), and every dependency a packed package names is packed too.
// usage: node scripts/pack-check.mjs [--keep]   (exit 0 when the package is right, 1 with the problems)
import { spawnSync } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs'
import { rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const { mismatch } = require('./binary-format.cjs')
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
// electron-builder's own dependencies, resolved from it (they are what it packs and flips fuses with).
const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'))
const asar = builderRequire('@electron/asar')
const yaml = builderRequire('js-yaml')

export const GUI_EXECUTABLE = 'tack-desktop'
const BINARIES = ['ipfs', 'minio', 'tack-launcher']
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
// @electron/fuses' FuseV1Options order: the index of each electron-builder.yml key in the wire.
const FUSE_INDEX = {
  runAsNode: 0,
  enableCookieEncryption: 1,
  enableNodeOptionsEnvironmentVariable: 2,
  enableNodeCliInspectArguments: 3,
  enableEmbeddedAsarIntegrityValidation: 4,
  onlyLoadAppFromAsar: 5,
  loadBrowserProcessSpecificV8Snapshot: 6,
  grantFileProtocolExtraPrivileges: 7,
}
// Electron's defaults for those eight fuses, as an unflipped Electron binary carries them.
const ELECTRON_DEFAULT_WIRE = '10110001'

/** The stand-in Electron distribution: one executable with a fuse wire, nothing to download. */
export function makeStandInElectron(dir) {
  mkdirSync(dir, { recursive: true })
  const wire = Buffer.concat([
    Buffer.from(
      `#!/bin/sh\n# Stand-in for Electron in the packaging dry run (scripts/pack-check.mjs). Fuse wire: ${FUSE_SENTINEL}`,
    ),
    Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]),
    Buffer.from(`${ELECTRON_DEFAULT_WIRE}\necho 'a stand-in for Electron: it runs nothing' >&2\nexit 1\n`),
  ])
  writeFileSync(join(dir, 'electron'), wire)
  chmodSync(join(dir, 'electron'), 0o755)
  return dir
}

/** The fuse wire of an executable, as '0'/'1' characters, or undefined when it carries none. */
export function readFuseWire(file) {
  const buf = readFileSync(file)
  const at = buf.indexOf(FUSE_SENTINEL)
  if (at < 0) return undefined
  const length = buf[at + FUSE_SENTINEL.length + 1]
  const start = at + FUSE_SENTINEL.length + 2
  return buf.subarray(start, start + length).toString('latin1')
}

/** The Node ABI a native module was built for (its node_register_module_v<ABI> symbol), or undefined. */
export function nativeAbi(file) {
  const match = /node_register_module_v(\d+)/.exec(readFileSync(file).toString('latin1'))
  return match ? Number(match[1]) : undefined
}

const isExecutable = (file) => (statSync(file).mode & 0o111) !== 0

/** Problems with the unpacked tree `appOutDir` for linux-`arch`; `notes` say what could not be checked. */
export function checkPackagedTree(appOutDir, { arch = 'x64', electronAbi, fuses, nativeState }) {
  const problems = []
  const notes = []
  const gui = join(appOutDir, GUI_EXECUTABLE)
  if (!existsSync(gui)) problems.push(`the GUI executable ${GUI_EXECUTABLE} is missing`)
  else if (!isExecutable(gui)) problems.push(`${GUI_EXECUTABLE} is not executable`)
  if (existsSync(join(appOutDir, 'tack'))) problems.push("the package has an executable named `tack`, the CLI's name")
  if (existsSync(gui)) problems.push(...checkFuses(gui, fuses))
  const resources = join(appOutDir, 'resources')
  const cli = join(resources, 'cli', 'tack')
  if (!existsSync(cli))
    problems.push('the CLI script resources/cli/tack (linked as /usr/bin/tack by the deb) is missing')
  else if (!isExecutable(cli)) problems.push('resources/cli/tack is not executable')
  const bin = join(resources, 'bin', `linux-${arch}`)
  for (const name of BINARIES) {
    const file = join(bin, name)
    const bad = mismatch(file, 'linux', arch)
    if (bad) problems.push(bad)
    else if (!isExecutable(file)) problems.push(`${file} is not executable`)
  }
  const native = join(resources, 'native', 'better_sqlite3.node')
  if (existsSync(native)) {
    const abi = nativeAbi(native)
    if (abi !== Number(electronAbi))
      problems.push(`${native} is built for Node ABI ${abi ?? 'unknown'}, not Electron's ${electronAbi}`)
  } else if (nativeState === 'absent') {
    notes.push(
      `better-sqlite3 for Electron's ABI ${electronAbi} is not in the package: it could not be built here ` +
        "(scripts/build-native-electron.mjs needs a prebuilt binary or Electron's headers from the network); " +
        'a package made this way would not start',
    )
  } else problems.push(`${native} is missing`)
  const archive = join(resources, 'app.asar')
  if (!existsSync(archive)) problems.push('resources/app.asar is missing')
  else problems.push(...checkAsar(archive))
  return { problems, notes }
}

function checkFuses(exe, fuses) {
  const wire = readFuseWire(exe)
  if (wire === undefined) return [`${exe} carries no fuse wire`]
  const problems = []
  for (const [key, on] of Object.entries(fuses ?? {})) {
    const index = FUSE_INDEX[key]
    if (index === undefined) continue
    if (wire[index] !== (on ? '1' : '0')) problems.push(`fuse ${key} is ${wire[index] === '1'}, configured ${on}`)
  }
  return problems
}

// Tack's own part of the archive is the built app and package.json; nothing a developer's checkout holds.
const OWN_FILES = /^\/(out\/(main|preload|renderer|cli)(\/.*)?|out|package\.json|node_modules(\/.*)?)$/
const DEV_FILE = [
  [/\.map$/, 'a source map'],
  [/\.(ts|tsx|mts|cts)$/, 'TypeScript'],
  [/\.(test|spec)\.[^/]+$/, 'a test'],
  [/\/(test|tests|__tests__|benchmark|benchmarks|bench|e2e)\//, 'tests or benchmarks'],
  [/\.go$|\/go\.(mod|sum)$/, 'Go sources'],
]

/** Dev files in the archive, and dependencies a packed package needs that were not packed. */
export function checkAsar(archive) {
  const files = asar.listPackage(archive, { isPack: false }).map((f) => f.replaceAll('\\', '/'))
  const problems = []
  for (const f of files) {
    if (!OWN_FILES.test(f)) problems.push(`app.asar holds ${f}, which is not part of the built app`)
    const dev = DEV_FILE.find(([re]) => re.test(f))
    if (dev) problems.push(`app.asar holds ${dev[1]}: ${f}`)
  }
  if (/\/better_sqlite3\.node$/m.test(files.join('\n')))
    problems.push('app.asar holds a better_sqlite3.node (a build for system Node, not Electron)')
  const present = new Set(files)
  for (const pkg of files.filter((f) => /^(\/node_modules\/(@[^/]+\/)?[^/@]+)+\/package\.json$/.test(f))) {
    const dir = pkg.slice(0, -'/package.json'.length)
    const json = JSON.parse(asar.extractFile(archive, pkg.slice(1)).toString('utf8'))
    for (const dep of Object.keys(json.dependencies ?? {})) {
      if (json.optionalDependencies?.[dep]) continue
      if (!resolvesIn(present, dir, dep)) problems.push(`app.asar lacks ${dep}, which ${json.name} needs`)
    }
  }
  return problems
}

/** Node's lookup: <dir>/node_modules/<dep>, then each parent package's node_modules, up to the root. */
function resolvesIn(present, dir, dep) {
  for (let d = dir; ; d = d.slice(0, d.lastIndexOf('/node_modules/'))) {
    if (present.has(`${d}/node_modules/${dep}/package.json`)) return true
    if (!d.includes('/node_modules/')) return present.has(`/node_modules/${dep}/package.json`)
  }
}

/**
 * A project directory electron-builder can collect dependencies from. npm lists the packages of a linked
 * node_modules (a git worktree here links the main checkout's) as "extraneous" links, and electron-builder
 * then packs none of the transitive dependencies: the stage always gets a real node_modules, of hard links
 * where the file system allows (no bytes copied; nothing in it is written), else a copy.
 */
function stageProject(stage) {
  mkdirSync(stage, { recursive: true })
  // electron-builder does not follow a linked out/ into app.asar: the built app (a few MB) is copied.
  for (const f of ['package.json', 'package-lock.json', 'electron-builder.yml', 'out'])
    cpSync(join(ROOT, f), join(stage, f), { recursive: true })
  for (const d of ['build', 'resources', 'scripts']) symlinkSync(join(ROOT, d), join(stage, d))
  const modules = realpathSync(join(ROOT, 'node_modules'))
  const linked = spawnSync('cp', ['-al', modules, join(stage, 'node_modules')], { encoding: 'utf8' })
  if (linked.status !== 0) {
    rmSync(join(stage, 'node_modules'), { recursive: true, force: true })
    cpSync(modules, join(stage, 'node_modules'), { recursive: true })
  }
}

function ensureBuilt(log) {
  if (!existsSync(join(ROOT, 'out', 'main', 'index.js'))) {
    log('building the app (electron-vite build)')
    const r = spawnSync(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'build'], {
      cwd: ROOT,
      stdio: 'inherit',
    })
    if (r.status !== 0) throw new Error('electron-vite build failed')
  }
  if (!existsSync(join(ROOT, 'out', 'cli', 'index.js'))) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' })
    if (r.status !== 0) throw new Error('scripts/build-cli.mjs failed')
  }
}

/** Packs linux-x64 with the stand-in Electron and checks the tree; with `keep`, the work dir stays (`work`). */
export function packCheck({ keep = false, log = (m) => process.stderr.write(`[pack-check] ${m}\n`) } = {}) {
  ensureBuilt(log)
  const work = mkdtempSync(join(tmpdir(), 'tack-pack-check-'))
  try {
    const stage = join(work, 'project')
    stageProject(stage)
    const dist = makeStandInElectron(join(work, 'electron-dist'))
    const output = join(work, 'dist')
    const report = join(work, 'before-pack.json')
    const args = [
      require.resolve('electron-builder/cli.js'),
      '--linux',
      'dir',
      '--x64',
      '--projectDir',
      stage,
      `-c.electronDist=${dist}`,
      `-c.directories.output=${output}`,
      `-c.beforePack=${join(ROOT, 'scripts', 'pack-check-hook.cjs')}`,
    ]
    log(`electron-builder ${args.slice(1).join(' ')}`)
    const built = spawnSync(process.execPath, args, {
      cwd: stage,
      encoding: 'utf8',
      env: { ...process.env, PACK_CHECK_REPORT: report, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
      timeout: 5 * 60 * 1000,
    })
    if (built.status !== 0) {
      const said = `${built.stdout}${built.stderr}`.trim().split('\n').slice(-15).join('\n')
      return { problems: [`electron-builder failed:\n${said || built.error}`], notes: [] }
    }
    const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'))
    const result = checkPackagedTree(join(output, 'linux-unpacked'), {
      arch: 'x64',
      electronAbi: readFileSync(join(ROOT, 'node_modules', 'electron', 'abi_version'), 'utf8').trim(),
      fuses: config.electronFuses,
      nativeState: existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')).native : undefined,
    })
    result.notes.unshift(
      'Electron is a stand-in (no download here): its fuse wire is checked as electron-builder flipped it; ' +
        "a real Electron binary's wire is not",
    )
    if (keep) result.notes.push(`kept: ${work}`)
    return { ...result, work: keep ? work : undefined, appOutDir: join(output, 'linux-unpacked') }
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { problems, notes } = packCheck({ keep: process.argv.includes('--keep') })
  for (const n of notes) process.stderr.write(`[pack-check] note: ${n}\n`)
  for (const p of problems) process.stderr.write(`[pack-check] problem: ${p}\n`)
  process.stderr.write(
    `[pack-check] ${problems.length ? `${problems.length} problem(s)` : 'the linux-x64 package is right'}\n`,
  )
  process.exit(problems.length ? 1 : 0)
}
