#!/usr/bin/env node
// Builds the `tack` CLI (src/cli/index.ts and the core it uses) to out/cli/ as plain ES modules, so that
// `bin/tack.js` runs compiled JavaScript and never a TypeScript loader at run time. Runtime packages are
// bundled in (see UNBUNDLED for the exceptions); each command is its own chunk, so `tack key list` never
// loads Fastify, Kubo's supervisor or the MinIO client. `--if-stale` builds only when out/cli is missing or
// older than its sources (what `npm start`, `npm test` and bin/tack.js in a checkout call).
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const CLI_OUT = join(ROOT, 'out', 'cli')
export const CLI_ENTRY = join(CLI_OUT, 'index.js')
const SOURCES = ['src/cli', 'src/main/core', 'src/shared', 'package.json'].map((p) => join(ROOT, p))

const newest = (path) => {
  if (!existsSync(path)) return 0
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), s.mtimeMs)
}

/** Whether out/cli is missing or older than any source it is built from. */
export function cliIsStale() {
  if (!existsSync(CLI_ENTRY)) return true
  return statSync(CLI_ENTRY).mtimeMs < Math.max(...SOURCES.map(newest))
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
// Runtime dependencies are bundled: a module graph of hundreds of files (Fastify, ajv, the MinIO client,
// multiformats) cost `tack serve` about 0.6 s of resolving, reading and compiling before any work, where
// one file per chunk costs a fraction. Stay external: native modules (better-sqlite3 loads its .node file
// relative to its package), the kubo package (finds its binary relative to itself), dev dependencies.
const UNBUNDLED = new Set(['better-sqlite3', 'kubo'])
const EXTERNAL = [
  ...Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter((name) => UNBUNDLED.has(name)),
  ...Object.keys(pkg.devDependencies),
].flatMap((name) => [name, `${name}/*`])

export async function buildCli() {
  const esbuild = await import('esbuild')
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { index: 'src/cli/index.ts' },
    outdir: CLI_OUT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // Bundled CommonJS packages call require() for Node's built-ins, which an ES module lacks.
    banner: {
      js: "import { createRequire as __tackRequire } from 'node:module'; const require = __tackRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    logLevel: 'warning',
    // Chunks land below index.js; the core finds the project root by walking up to package.json.
    chunkNames: 'chunks/[name]-[hash]',
    write: false,
  })
  // Several `tack` processes may start at once (tests): every file is written whole (temp file + rename),
  // chunks before index.js, and chunks of an older build stay a while for a process still loading them.
  const written = new Set()
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === CLI_ENTRY) - Number(b.path === CLI_ENTRY))
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true })
    const tmp = `${file.path}.${process.pid}.tmp`
    writeFileSync(tmp, file.contents)
    renameSync(tmp, file.path)
    written.add(file.path)
  }
  const chunks = join(CLI_OUT, 'chunks')
  for (const name of readdirSync(chunks)) {
    const path = join(chunks, name)
    if (!written.has(path) && Date.now() - statSync(path).mtimeMs > 10 * 60_000) rmSync(path, { force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--if-stale') && !cliIsStale()) process.exit(0)
  const t = performance.now()
  await buildCli()
  console.error(`[tack] built the CLI to out/cli in ${Math.round(performance.now() - t)} ms`)
}
