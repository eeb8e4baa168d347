// Asking the `tack serve` that runs on this data dir (if any) through its API, with the local token that only
// this user can read. Commands that work on the SQLite file directly use it for what only the running
// server knows (live state such as whether a forwarding target answers).
import { readFileSync } from 'node:fs'
import type { Config } from '../main/core/config.js'
import { runningUrl } from '../main/core/lock.js'
import { paths } from '../main/core/state.js'

/** The JSON answer of a GET on the running server, or undefined when no server runs on this data dir. */
export async function getFromRunning<T>(config: Pick<Config, 'dataDir'>, path: string): Promise<T | undefined> {
  const p = paths(config.dataDir)
  const url = await runningUrl(p.pidFile)
  if (!url) return undefined
  const token = readFileSync(p.sessionToken, 'utf8').trim()
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })
  return (await res.json()) as T
}
