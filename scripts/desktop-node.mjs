// Which Node the desktop build needs, read from what the installed Electron declares (its package's
// `engines`): Electron 45's own install (the binary's download, @electron/get) and @electron/rebuild need
// Node >= 22.12, while `tack`, `npm start` and `npm test` run on the Node that package.json's `engines` names
// (>= 20.19). The better-sqlite3 build itself (prebuild-install, node-gyp) runs on either.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The version Electron's package asks for (">= 22.12.0" → "22.12.0"), or undefined when it names none. */
export function electronNodeRequirement(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'))
  return /^\s*>=\s*(\d+\.\d+\.\d+)\s*$/.exec(pkg.engines?.node ?? '')?.[1]
}

const parts = (v) => v.replace(/^v/, '').split('.').map(Number)
function atLeast(version, wanted) {
  const [a, b] = [parts(version), parts(wanted)]
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0)
  return true
}

/** A message when this Node is older than the desktop build needs; undefined when it is recent enough. */
export function desktopNodeProblem(root, nodeVersion = process.versions.node) {
  const wanted = electronNodeRequirement(root)
  if (!wanted || atLeast(nodeVersion, wanted)) return undefined
  return [
    `the desktop build needs Node >= ${wanted} (Electron's own install and tooling declare it); this is Node ${nodeVersion}.`,
    "  Electron's install step, which downloads the binary `npm run dev` and `npm run dist` use, needs that Node;",
    '  `tack`, `npm start` and `npm test` run on Node >= 20.19 and are unaffected.',
  ].join('\n')
}
