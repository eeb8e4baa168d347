// Finding the programs Tack runs. One mechanism for Kubo and MinIO: an explicit path from the config
// (environment), then an npm package's binary where one exists, then the packaged app's resources, then the
// copy `scripts/build-binaries.sh` builds from the Go module proxy into resources/bin/<platform>-<arch>/.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CoreError } from './errors.js'

export interface BinarySpec {
  /** What the user calls it: `kubo`, `minio`. */
  name: string
  /** The executable's file name without extension: `ipfs`, `minio`. */
  file: string
  /** A path given by the user (TACK_KUBO_BINARY, ...); used as is, and an error if it does not exist. */
  explicit?: string
  /** An npm package that ships the binary, with its own lookup (the `kubo` package's `path()`). */
  fromPackage?: () => string | undefined
}

export function platformDir(platform = process.platform, arch = process.arch): string {
  return `${platform}-${arch}`
}

/** The project root: the nearest folder above this file with a package.json (works from src/ and out/). */
export function projectRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) return from
    dir = up
  }
  return dir
}

export function resolveBinary(spec: BinarySpec, resourcesPath?: string): string {
  const exe = spec.file + (process.platform === 'win32' ? '.exe' : '')
  if (spec.explicit) {
    if (existsSync(spec.explicit)) return spec.explicit
    throw new CoreError('SERVICE_UNAVAILABLE', `${spec.name} binary not found at ${spec.explicit}`)
  }
  const candidates = [
    safely(spec.fromPackage),
    resourcesPath && join(resourcesPath, 'bin', platformDir(), exe),
    join(projectRoot(), 'resources', 'bin', platformDir(), exe),
  ]
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate
  throw new CoreError(
    'SERVICE_UNAVAILABLE',
    `no ${spec.name} binary: set TACK_${spec.name.toUpperCase()}_BINARY, or run \`bash scripts/build-binaries.sh ${spec.name}\``,
  )
}

function safely(fn?: () => string | undefined): string | undefined {
  try {
    return fn?.()
  } catch {
    return undefined
  }
}

/**
 * The `kubo` npm package's binary, when its install script could download one. Looked up where the package
 * keeps it rather than through its `path()`, which runs the package's downloader synchronously whenever the
 * binary is missing: offline that cost every `tack serve` its start-up time and tried the network each time.
 */
export function kuboPackageBinary(): string | undefined {
  const require = createRequire(import.meta.url)
  const root = dirname(require.resolve('kubo/package.json'))
  return ['ipfs', 'ipfs.exe'].map((file) => join(root, 'kubo', file)).find((file) => existsSync(file))
}
