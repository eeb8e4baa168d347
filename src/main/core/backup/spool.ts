// The temp dirs export and import work in (in the data dir, which holds secrets anyway: a snapshot of tack.db
// carries key hashes). Each is removed when its run ends; one left by a crash or a kill is removed when the
// next core starts on that data dir, once it holds the data dir's lock (no other run can be using it then).
import { readdirSync, rmSync, type Dirent } from 'node:fs'
import { join } from 'node:path'

export const EXPORT_SPOOL_PREFIX = 'tack-export-'
export const IMPORT_SPOOL_PREFIX = 'tack-import-'

/** Removes the spools a run on this data dir left behind; returns their names. */
export function removeStaleSpools(dataDir: string): string[] {
  let entries: Dirent[]
  try {
    entries = readdirSync(dataDir, { withFileTypes: true })
  } catch {
    return [] // no data dir yet: nothing left over
  }
  const stale = entries
    .filter(
      (e) => e.isDirectory() && (e.name.startsWith(EXPORT_SPOOL_PREFIX) || e.name.startsWith(IMPORT_SPOOL_PREFIX)),
    )
    .map((e) => e.name)
  for (const name of stale) rmSync(join(dataDir, name), { recursive: true, force: true })
  return stale
}
