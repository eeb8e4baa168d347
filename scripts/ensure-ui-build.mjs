#!/usr/bin/env node
// The headless server serves the renderer build at `/`, so build it when it is missing or older than its
// sources (a fresh clone, or a pull that changed the UI): after `npm install`, before `npm start`, and from
// bin/tack.js before `tack serve` in a checkout. Takes seconds; the staleness check alone a few ms.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BUILT = join(ROOT, 'out/renderer/index.html')
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const p = join(dir, e.name)
    return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }, 0)

export function uiIsStale() {
  const sources = Math.max(newest(join(ROOT, 'src/renderer')), newest(join(ROOT, 'src/shared')))
  return !existsSync(BUILT) || statSync(BUILT).mtimeMs < sources
}

/** Builds out/ (electron-vite); returns whether it succeeded. */
export function buildUi() {
  console.error('[tack] building the UI (out/renderer) ...')
  const result = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  return result.status === 0
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(!uiIsStale() || buildUi() ? 0 : 1)
