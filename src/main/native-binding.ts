// Where the desktop app's better-sqlite3 build for Electron's ABI lives. system Node's build stays in
// node_modules for `tack` and the tests; this one is made beside it by scripts/build-native-electron.mjs
// and shipped by electron-builder as <resources>/native/better_sqlite3.node (build/before-pack.cjs).
import { join } from 'node:path'

export interface NativeBindingInit {
  packaged: boolean
  /** process.resourcesPath in a packaged app. */
  resourcesPath: string
  /** The repository root in development (out/main/../..). */
  appRoot: string
  /** Electron's NODE_MODULE_VERSION (process.versions.modules). */
  abi: string
  platform: string
  arch: string
}

export const NATIVE_FILE = 'better_sqlite3.node'

export function electronSqliteBinding(init: NativeBindingInit): string {
  if (init.packaged) return join(init.resourcesPath, 'native', NATIVE_FILE)
  return join(init.appRoot, 'build', 'native', `electron-${init.abi}`, `${init.platform}-${init.arch}`, NATIVE_FILE)
}
