#!/usr/bin/env node
// The `tack` command: runs the compiled CLI in out/cli under plain Node (no Electron, no TypeScript loader).
// In a checkout (src/ present) it first rebuilds out/cli when a source is newer, so a spawned `tack` never
// runs stale code; the check stats the source tree (about 10 ms), a rebuild takes 1 to 2 s (it bundles the
// runtime packages, see scripts/build-cli.mjs). `tack serve` likewise builds the UI it serves when it is
// missing or older than its sources (scripts/ensure-ui-build.mjs, about 5 s), so `npx tack serve` right
// after a clone or a pull serves the current UI.
import { existsSync } from 'node:fs'

const root = new URL('../', import.meta.url)
const built = existsSync(new URL('out/cli/index.js', root))
if (existsSync(new URL('src/cli/index.ts', root)) && existsSync(new URL('scripts/build-cli.mjs', root))) {
  const { buildCli, cliIsStale } = await import('../scripts/build-cli.mjs')
  if (cliIsStale()) {
    try {
      await buildCli()
    } catch (err) {
      // Without esbuild (an install without dev dependencies) an existing build still runs.
      if (!built) throw err
      process.stderr.write(`tack: could not rebuild out/cli (${err.message}); running the existing build\n`)
    }
  }
  if (process.argv[2] === 'serve') {
    const { uiIsStale, buildUi } = await import('../scripts/ensure-ui-build.mjs')
    // A UI that cannot be built (no dev dependencies) leaves serve running with its "UI is not built" page.
    if (uiIsStale()) buildUi()
  }
}
await import('../out/cli/index.js')
