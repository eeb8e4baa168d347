// electron-builder's beforePack hook: a target is packed only with its own Kubo, MinIO, tack-launcher (which
// stops Kubo and MinIO when the app crashes or is force-quit) and better-sqlite3 (Electron's ABI), each checked by its header for the target's platform and CPU. Anything missing or built
// for another machine fails the build with the command that makes it: an installer without them would only
// say "Tack is incomplete" at first start. The native module is staged where electron-builder.yml picks it up.
'use strict'
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: electron-builder require()s its hooks */
const { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } = require('node:fs')
const { join } = require('node:path')
const { mismatch } = require('../scripts/binary-format.cjs')

// Every program the app starts, by file name (electron-builder.yml's extraResources filter lists the same).
const BINARIES = ['ipfs', 'minio', 'tack-launcher']
const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' }

/** Problems with the programs `platform-arch` would ship (Kubo, MinIO, tack-launcher), each with its fix. */
function checkBinaries(root, platform, arch) {
  const exe = platform === 'win32' ? '.exe' : ''
  const target = `${platform}-${arch}`
  const binaries = BINARIES.map((n) => join(root, 'resources', 'bin', target, n + exe))
  const bad = binaries.map((f) => mismatch(f, platform, arch)).filter(Boolean)
  return bad.length ? [...bad, `  → bash scripts/build-binaries.sh --target ${target} kubo minio launcher`] : []
}

/** Problems with the native module for Electron's ABI, with its fix. */
function checkNative(root, platform, arch) {
  const target = `${platform}-${arch}`
  const bad = mismatch(nativeModule(root, target), platform, arch)
  return bad ? [bad, `  → node scripts/build-native-electron.mjs --target ${target}`] : []
}

/** Problems with what `platform-arch` would ship, each with its fix; [] when complete. Stages nothing. */
function checkTarget(root, platform, arch) {
  return [...checkBinaries(root, platform, arch), ...checkNative(root, platform, arch)]
}

function nativeModule(root, target) {
  const abi = readFileSync(join(root, 'node_modules', 'electron', 'abi_version'), 'utf8').trim()
  return join(root, 'build', 'native', `electron-${abi}`, target, 'better_sqlite3.node')
}

/**
 * The hook's work. `nativeOptional` is for the packaging dry run (scripts/pack-check.mjs), which runs where
 * Electron's headers cannot be downloaded: a missing native module is then reported (`native: 'absent'`)
 * instead of failing; one built for another machine still fails.
 */
async function prepareTarget(context, { nativeOptional = false } = {}) {
  const root = context.packager.projectDir
  const platform = context.electronPlatformName
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch)
  if (arch === 'universal') throw new Error('Tack is packed per arch (x64, arm64); a universal build is not set up')
  const target = `${platform}-${arch}`
  const native = nativeModule(root, target)
  const skipNative = nativeOptional && !existsSync(native)
  const problems = skipNative ? checkBinaries(root, platform, arch) : checkTarget(root, platform, arch)
  if (problems.length) throw new Error(`Tack for ${target} is incomplete:\n${problems.join('\n')}`)
  const stage = join(root, 'build', 'native', 'stage', target)
  rmSync(stage, { recursive: true, force: true })
  if (skipNative) return { native: 'absent' }
  mkdirSync(stage, { recursive: true })
  copyFileSync(native, join(stage, 'better_sqlite3.node'))
  return { native: 'staged' }
}

exports.checkTarget = checkTarget
exports.prepareTarget = prepareTarget

exports.default = async function beforePack(context) {
  await prepareTarget(context)
}
