// The data dir holds credentials (key hashes, MinIO's and Kubo's secrets, remote targets' tokens) and every
// byte users stored: it is the user's alone. The folder is 0700, so nothing below it can be reached by anyone
// else whatever its own mode; the files that hold secrets are also created 0600 by whoever writes them (the
// database here, the token in http/api.ts, Kubo's config, MinIO's settings), and Kubo and MinIO are started
// with a private umask (spawnPrivately) for what they create. Tack's own umask is left alone: in the desktop
// app the core shares its process with the shell, whose files (downloads, the autostart entry, logs) are the
// user's ordinary files. What an older version left more open is tightened; only the top level is walked: a
// 0700 folder already keeps everything below it private, and walking Kubo's blockstore at every start would
// cost seconds on a large repo.
import { chmodSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export const PRIVATE_UMASK = 0o077

export function restrictDataDir(dir: string): void {
  if (process.platform === 'win32') {
    mkdirSync(dir, { recursive: true })
    return
  }
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

/**
 * Runs a spawn with the private umask, for the child to inherit (the child's umask is fixed at spawn, which is
 * synchronous), and puts Tack's own back at once. Not on Windows, which has no umask.
 */
export function spawnPrivately<T>(spawn: () => T, platform: NodeJS.Platform = process.platform): T {
  if (platform === 'win32') return spawn()
  const previous = process.umask(PRIVATE_UMASK)
  try {
    return spawn()
  } finally {
    process.umask(previous)
  }
}
