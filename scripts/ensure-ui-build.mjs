#!/usr/bin/env node
// Before `npm start`: the headless server serves the renderer build at `/`, so build it when it is missing
// or older than its sources (a fresh clone, or a pull that changed the UI). Takes seconds; skipped otherwise.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const built = 'out/renderer/index.html'
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const p = join(dir, e.name)
    return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }, 0)

const sources = Math.max(newest('src/renderer'), newest('src/shared'))
if (existsSync(built) && statSync(built).mtimeMs >= sources) process.exit(0)
console.error('[tack] building the UI (out/renderer) ...')
const result = spawnSync('npx', ['electron-vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
process.exit(result.status ?? 1)
