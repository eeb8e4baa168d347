// Loaded with `node --import` before the built main process (out/main/index.js): it makes plain Node look
// like the desktop app enough for the shell to run unchanged, against the real core.
//   - `electron` resolves to the recording stand-in (hooks.mjs); the real package is never loaded.
//   - process.versions.electron, process.resourcesPath and (optionally) process.platform as Electron sets them.
//   - better-sqlite3's own build is absent, as in a packaged app (electron-builder leaves out the Node build,
//     build/before-pack.cjs): only the binding the shell names (<resources>/native/, a copy of the Node build
//     here) can be loaded, so an open that forgets the desktop's binding fails as it does in the app.
import Module, { register } from 'node:module'
import { fileURLToPath } from 'node:url'

register('./hooks.mjs', import.meta.url)

if (process.env.TACK_HARNESS_PLATFORM)
  Object.defineProperty(process, 'platform', { value: process.env.TACK_HARNESS_PLATFORM, enumerable: true })
process.versions.electron = '45.4.1'
// A packaged Electron's argv is [executable, ...arguments]: no script path in between.
if (process.env.TACK_HARNESS_PACKAGED === '1') process.argv.splice(1, 1)
if (process.env.TACK_HARNESS_RESOURCES) process.resourcesPath = process.env.TACK_HARNESS_RESOURCES

const missingBindings = fileURLToPath(new URL('./missing-bindings.cjs', import.meta.url))
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === 'electron') throw new Error('the real electron package was required (harness)')
  if (request === 'bindings' && parent?.filename?.includes('better-sqlite3')) return missingBindings
  return resolveFilename.call(this, request, parent, ...rest)
}
