// The data dir holds credentials (key hashes, MinIO's and Kubo's secrets, remote targets' tokens) and every
// byte users stored: it is the user's alone. Tack sets its umask so that everything it and its children
// (Kubo, MinIO, SQLite's -wal and -shm files) create there is 0600/0700, and tightens what an older version
// left more open. Only the top level is walked: a 0700 folder already keeps everything below it private, and
// walking Kubo's blockstore at every start would cost seconds on a large repo.
import { chmodSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export const PRIVATE_UMASK = 0o077

export function restrictDataDir(dir: string): void {
  if (process.platform === 'win32') {
    mkdirSync(dir, { recursive: true })
    return
  }
  // Process-wide on purpose: children inherit it, and nothing Tack writes elsewhere needs to be shared.
  process.umask(PRIVATE_UMASK)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue
    try {
      chmodSync(join(dir, entry.name), entry.isDirectory() ? 0o700 : 0o600)
    } catch (err) {
      // SQLite removes its -wal and -shm files when its last connection closes: one listed may be gone.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
}
