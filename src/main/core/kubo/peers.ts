// The node's peer count for `/api/status`, read from Kubo at most once per `maxAgeMs` and never waited for:
// a health check must answer while Kubo is busy (a flood of pins, a large add), so it gets the last count
// Kubo gave (undefined before the first) and a fresh one is asked for in the background.
import type { KuboClient } from './client.js'

export interface PeerCount {
  latest(): number | undefined
}

export function createPeerCount(kubo: Pick<KuboClient, 'peerCount'>, maxAgeMs = 2000): PeerCount {
  let value: number | undefined
  let askedAt = -Infinity
  let asking = false
  return {
    latest() {
      if (!asking && Date.now() - askedAt >= maxAgeMs) {
        asking = true
        askedAt = Date.now()
        kubo
          .peerCount()
          .then((n) => (value = n))
          .catch(() => {})
          .finally(() => (asking = false))
      }
      return value
    },
  }
}
