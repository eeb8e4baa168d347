// The bundled MinIO, supervised exactly like Kubo: data in Tack's data dir, generated credentials
// (minio-settings.ts), API on loopback only, console off. Used only when no external S3 endpoint is set.
import { mkdirSync } from 'node:fs'
import type { Logger } from '../log.js'
import { freePort } from '../kubo/ports.js'
import { createSupervisor, type Supervisor } from '../process/supervisor.js'
import { commandLine, portOwner } from '../process/port-owner.js'
import { loadSettings, prepareSettings, type MinioSettings } from './minio-settings.js'

export interface MinioInit {
  binary: () => string
  dataDir: string
  settingsFile: string
  pidFile: string
  processLog: Logger
  log: Logger
  /** tack-launcher, so MinIO dies with Tack (see process/supervisor.ts). */
  launcher?: string
}

const FATAL = [/Unable to use the drive/, /Invalid credentials/]

/** `prepared` is told the settings of each start (before MinIO is spawned) and returns the endpoint they give. */
export function createMinioSupervisor(init: MinioInit, prepared: (settings: MinioSettings) => string): Supervisor {
  let endpoint = ''
  return createSupervisor({
    name: 'minio',
    log: init.processLog,
    pidFile: init.pidFile,
    async prepare() {
      mkdirSync(init.dataDir, { recursive: true, mode: 0o700 })
      const owner = `minio:${init.dataDir}`
      const settings = await prepareSettings(init.settingsFile, owner)
      endpoint = prepared(settings)
      const consolePort = await freePort(new Set([settings.apiPort]), owner)
      return {
        command: init.binary(),
        // The console is switched off (MINIO_BROWSER) and, should a build ignore that, bound to loopback.
        // --no-compat: MinIO no longer computes the MD5 of a PUT body that comes without Content-MD5 (the
        // relay's and Node's streamed uploads; small ones sent whole carry it and are still checked), which it
        // does only to return it as the ETag: 1.65 CPU-s per
        // GiB, a third of MinIO's CPU on an upload. Its ETags become random; Tack only hands part ETags back
        // to complete a multipart upload, and an upload's integrity is its CID, which Kubo recomputes from
        // the stored bytes before they are pinned (files/pinner.ts). Measured with `npm run bench --
        // --only=upload` (1 GiB, 3 rounds): 0.85x `ipfs add` without the flag, 1.32x with it. The flag also
        // lets MinIO take a body signed with the empty payload hash unchecked; that changes nothing here:
        // only Tack holds the credentials, on loopback, and its PUTs are UNSIGNED-PAYLOAD already. MinIO
        // warns at start, and keeps the flag hidden ("for performance testing"): check that it still exists
        // whenever the bundled MinIO is upgraded (every integration test starts MinIO with it).
        args: [
          'server',
          init.dataDir,
          '--address',
          `127.0.0.1:${settings.apiPort}`,
          '--console-address',
          `127.0.0.1:${consolePort}`,
          '--quiet',
          '--no-compat',
        ],
        env: {
          ...process.env,
          MINIO_ROOT_USER: settings.accessKey,
          MINIO_ROOT_PASSWORD: settings.secretKey,
          MINIO_BROWSER: 'off',
          MINIO_UPDATE: 'off',
          MINIO_CALLHOME_ENABLE: 'off',
        },
      }
    },
    probe: async (signal) => (await fetch(`${endpoint}/minio/health/live`, { signal })).ok,
    fatal: (line) => FATAL.find((re) => re.test(line)) && line,
    portTaken: (line) => /port is already in use/.test(line),
    note: (line) =>
      /payload validation is turned off/.test(line)
        ? 'expected: Tack starts its MinIO with --no-compat, and checks uploads by their CID (src/main/core/object-store/minio.ts)'
        : undefined,
    launcher: init.launcher,
    evictLeftover: (signal) => evictLeftover(init.settingsFile, init.dataDir, init.log, signal),
  })
}

/**
 * A MinIO left running on this data dir by an earlier Tack: found by the port its settings gave it (it
 * answers MinIO's health check there), and ended only when the process on that port serves this very data
 * dir. A pid file cannot be that sure; off Linux the pid file's identity check is what remains.
 */
async function evictLeftover(settingsFile: string, dataDir: string, log: Logger, signal: AbortSignal): Promise<void> {
  let port: number | undefined
  try {
    port = loadSettings(settingsFile)?.apiPort
  } catch {
    return
  }
  if (!port) return
  const alive = await fetch(`http://127.0.0.1:${port}/minio/health/live`, {
    signal: AbortSignal.any([signal, AbortSignal.timeout(500)]),
  })
    .then((r) => r.ok)
    .catch(() => false)
  const pid = alive ? portOwner(port) : undefined
  if (!pid || !commandLine(pid).split(' ').includes(dataDir)) return
  log.warn(`ending a MinIO left over on this data dir (pid ${pid}, port ${port})`)
  const gone = () => {
    try {
      process.kill(pid, 0)
      return false
    } catch {
      return true
    }
  }
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 30 && !gone() && !signal.aborted; i++) await new Promise((r) => setTimeout(r, 100))
  if (!gone()) process.kill(pid, 'SIGKILL')
}
