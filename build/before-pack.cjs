// electron-builder's beforePack hook: a target is packed only with its own Kubo, MinIO, tack-launcher (which
// stops Kubo and MinIO when the app crashes or is force-quit) and better-sqlite3 (Electron's ABI), each checked by its header for the target's platform and CPU. Anything missing or built
// for another machine fails the build with the command that makes it: an installer without them would only
// say "Tack is incomplete" at first start. The native module is staged where electron-builder.yml picks it up.
'use strict'
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: electron-builder require()s its hooks */
const { copyFileSync, mkdirSync, readFileSync } = require('node:fs')
const { join } = require('node:path')
const { mismatch } = require('../scripts/binary-format.cjs')

// Every program the app starts, by file name (electron-builder.yml's extraResources filter lists the same).
const BINARIES = ['ipfs', 'minio', 'tack-launcher']
const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' }

/** Problems with what `platform-arch` would ship, each with its fix; [] when complete. Stages nothing. */
function checkTarget(root, platform, arch) {
  const exe = platform === 'win32' ? '.exe' : ''
  const target = `${platform}-${arch}`
  const problems = []
  const binaries = BINARIES.map((n) => join(root, 'resources', 'bin', target, n + exe))
  const bad = binaries.map((f) => mismatch(f, platform, arch)).filter(Boolean)
  if (bad.length) problems.push(...bad, `  → bash scripts/build-binaries.sh --target ${target} kubo minio launcher`)
  const native = nativeModule(root, target)
  const badNative = mismatch(native, platform, arch)
  if (badNative) problems.push(badNative, `  → node scripts/build-native-electron.mjs --target ${target}`)
  return problems
}

function nativeModule(root, target) {
  const abi = readFileSync(join(root, 'node_modules', 'electron', 'abi_version'), 'utf8').trim()
  return join(root, 'build', 'native', `electron-${abi}`, target, 'better_sqlite3.node')
}

exports.checkTarget = checkTarget

exports.default = async function beforePack(context) {
  const root = context.packager.projectDir
  const platform = context.electronPlatformName
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch)
  if (arch === 'universal') throw new Error('Tack is packed per arch (x64, arm64); a universal build is not set up')
  const problems = checkTarget(root, platform, arch)
  if (problems.length) throw new Error(`Tack for ${platform}-${arch} is incomplete:\n${problems.join('\n')}`)
  const stage = join(root, 'build', 'native', 'stage', `${platform}-${arch}`)
  mkdirSync(stage, { recursive: true })
  copyFileSync(nativeModule(root, `${platform}-${arch}`), join(stage, 'better_sqlite3.node'))
}
