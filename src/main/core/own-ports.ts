// The ports Tack itself listens on now (its API, the LAN listener, Kubo's and MinIO's): a forwarding target on
// this machine at one of them is refused (remote/), as Tack would be forwarding to itself.
import type { Config } from './config.js'
import type { KuboNode } from './kubo/index.js'
import type { ObjectStorage } from './object-store/index.js'

export function listeningPorts(from: {
  config: Pick<Config, 'port' | 'lanPort'>
  /** The URLs of Tack's own listeners; '' for one not listening. */
  urls: string[]
  kubo: Pick<KuboNode, 'ports'>
  objectStorage: Pick<ObjectStorage, 'supervisor' | 'endpoint'>
}): number[] {
  const ports = [
    from.config.port,
    from.config.lanPort,
    ...from.urls.filter(Boolean).map((u) => Number(new URL(u).port)),
  ]
  const tryPorts = (read: () => number[]) => {
    try {
      ports.push(...read())
    } catch {
      // Not started yet: it has no ports to protect.
    }
  }
  tryPorts(() => Object.values(from.kubo.ports()))
  if (from.objectStorage.supervisor) tryPorts(() => [Number(new URL(from.objectStorage.endpoint()).port)])
  return ports.filter((n) => Number.isInteger(n) && n > 0)
}
