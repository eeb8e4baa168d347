import { describe, expect, it } from 'vitest'
import { createStatus, supervisorHealth, type StatusSources } from './status.js'

function sources(over: { kubo?: string; minio?: string | undefined; listening?: boolean } = {}): StatusSources {
  const supervisor = (state: string) => ({ state, lastError: undefined, restarts: 0 }) as never
  return {
    version: '1.2.3',
    config: { remoteFailThresholdMs: 60_000, ipfsNetwork: 'public' },
    kubo: {
      supervisor: supervisor(over.kubo ?? 'running'),
      identity: () => ({ ID: '12D3Koo', Addresses: ['/ip4/127.0.0.1/tcp/4001'] }) as never,
      version: () => '0.38.0',
    },
    peers: () => 3,
    objectStorage: { supervisor: 'minio' in over && !over.minio ? undefined : supervisor(over.minio ?? 'running') },
    remotes: { list: () => [] },
    files: {
      pinner: { jobs: () => [] } as never,
      placement: { progress: () => ({ done: 0, total: 0, running: false }) } as never,
    },
    gcGate: { state: () => ({ holders: 0 }) },
    lan: { enabled: () => false, urls: () => [] },
    listening: () => over.listening ?? true,
    url: () => 'http://127.0.0.1:1',
  }
}

describe('status', () => {
  it("maps a supervisor's state to a health, no supervisor (external S3) being ok", () => {
    expect(supervisorHealth({ state: 'running' })).toBe('ok')
    expect(supervisorHealth({ state: 'starting' })).toBe('starting')
    expect(supervisorHealth({ state: 'restarting' })).toBe('degraded')
    expect(supervisorHealth({ state: 'failed' })).toBe('down')
    expect(supervisorHealth(undefined)).toBe('ok')
  })

  it('is healthy only when every component is ok, and counts peers only of a running Kubo', async () => {
    const ok = await createStatus(sources())()
    expect(ok.healthy).toBe(true)
    expect(ok.kubo.peers).toBe(3)
    const restarting = await createStatus(sources({ kubo: 'restarting' }))()
    expect(restarting.healthy).toBe(false)
    expect(restarting.kubo.peers).toBeUndefined()
    expect((await createStatus(sources({ listening: false }))()).components.http!.health).toBe('down')
    expect((await createStatus(sources({ minio: undefined }))()).components.minio!.health).toBe('ok')
  })

  it('leaves the forwarding targets out for a caller without the admin scope', async () => {
    expect(await createStatus(sources())()).toHaveProperty('remotes')
    expect(await createStatus(sources())({ remotes: false })).not.toHaveProperty('remotes')
  })
})
