// Where tack-launcher is (tools/launcher, built by scripts/build-binaries.sh next to Kubo and MinIO). It is
// optional: without it the supervisor spawns children directly and warns, since a kill -9 of Tack would
// then leave them running until the next start.
import { resolveBinary } from '../binaries.js'

export function findLauncher(resourcesPath?: string, explicit?: string): string | undefined {
  try {
    return resolveBinary({ name: 'launcher', file: 'tack-launcher', explicit }, resourcesPath)
  } catch {
    return undefined
  }
}
