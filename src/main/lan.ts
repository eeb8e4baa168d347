// LAN sharing is the core's setting (remembered in its database, switched at run time without a restart):
// the tray and window.tack reach it through the core's own API, `GET/PUT /api/settings`, as the owner.
import type { Connection } from '../shared/ipc.js'

export interface LanClient {
  /** Whether the gateway is shared on the LAN now; false while the core is not running. */
  get(): Promise<boolean>
  set(on: boolean): Promise<boolean>
}

export function createLanClient(init: { fetch: typeof fetch; connection: () => Connection | undefined }): LanClient {
  const call = async (method: 'GET' | 'PUT', body?: unknown): Promise<boolean> => {
    const conn = init.connection()
    if (!conn) throw new Error('Tack is not running')
    const res = await init.fetch(`${conn.apiUrl}/api/settings`, {
      method,
      headers: { authorization: `Bearer ${conn.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const answer = (await res.json().catch(() => undefined)) as
      { lan?: unknown; error?: { reason?: string; details?: string } } | undefined
    if (!res.ok) throw new Error(answer?.error?.details ?? answer?.error?.reason ?? `HTTP ${res.status}`)
    return answer?.lan === true
  }
  return {
    get: () => call('GET').catch(() => false),
    set: (on) => call('PUT', { lan: on }),
  }
}
