// MinIO's credentials and port, generated at first start and kept in one file only this user can read.
// The port is persisted like Kubo's (in a file we own) and re-picked when another program took it.
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { freePort, STANDARD_KUBO_PORTS, takePort } from '../kubo/ports.js'

export interface MinioSettings {
  accessKey: string
  secretKey: string
  apiPort: number
}

/** MinIO's own default ports: like Kubo's standard ones, left to a MinIO the user may run. */
const STANDARD_MINIO_PORTS = new Set([9000, 9001])

export function loadSettings(file: string): MinioSettings | undefined {
  if (!existsSync(file)) return undefined
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<MinioSettings>
  if (!parsed.accessKey || !parsed.secretKey) return undefined
  return { accessKey: parsed.accessKey, secretKey: parsed.secretKey, apiPort: Number(parsed.apiPort) || 0 }
}

export function saveSettings(file: string, settings: MinioSettings): void {
  writeFileSync(file, JSON.stringify(settings, null, 2), { mode: 0o600 })
  // writeFileSync keeps the mode of a file that exists already; make sure it is ours alone.
  chmodSync(file, 0o600)
}

/**
 * The settings for the next start: existing credentials, the same port when it is still free. The port is
 * claimed for owner (kubo/ports.ts), so that a Kubo starting beside this MinIO is never given it.
 */
export async function prepareSettings(file: string, owner: string): Promise<MinioSettings> {
  const current = loadSettings(file) ?? {
    accessKey: 'tack-' + randomBytes(8).toString('hex'),
    secretKey: randomBytes(24).toString('base64url'),
    apiPort: 0,
  }
  const avoid = new Set([...STANDARD_KUBO_PORTS, ...STANDARD_MINIO_PORTS])
  const keep = current.apiPort > 0 && !avoid.has(current.apiPort) && (await takePort(current.apiPort, owner))
  const settings = { ...current, apiPort: keep ? current.apiPort : await freePort(avoid, owner) }
  saveSettings(file, settings)
  return settings
}
