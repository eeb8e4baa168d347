// What a merge takes from an archive. The manifest's SHA-256s are checksums, not a signature: anyone can
// write an archive that passes them, so a merge into a data dir that is in use treats its rows as claims.
// Content is checked by its bytes (import.ts); credentials and privacy are not taken on the archive's word:
//  - keys are credentials someone else holds the secrets of: a merge adds none unless asked (`--keys`);
//  - forwarding targets send this install's pins where the archive's author chose: a merge adds new ones only
//    with `--keys all` (an archive trusted that far);
//  - content private here stays private: a record the archive brings for it (or a folder of the archive with
//    it inside) is made private, without the archive's link secret (whoever wrote it would know that secret).
import { isScope } from '../keys/index.js'

export const KEY_POLICIES = ['none', 'same-scopes', 'all'] as const
/**
 * `none`: no key of the archive is added. `same-scopes`: a key is added only into an account this merge
 * creates (never the owner, never an account here already), and only with ordinary scopes (no `admin`).
 * `all`: every key as it is.
 */
export type KeyPolicy = (typeof KEY_POLICIES)[number]

export const isKeyPolicy = (s: string): s is KeyPolicy => (KEY_POLICIES as readonly string[]).includes(s)

/** A restore into an empty data dir is the archive's own install: its keys come along. A merge adds none. */
export const defaultKeyPolicy = (merge: boolean): KeyPolicy => (merge ? 'none' : 'all')

/** Whether a key row of the archive (scopes space-separated, as stored) may be added under the policy. */
export function keyAllowed(policy: KeyPolicy, scopes: unknown, intoNewAccount: boolean): boolean {
  if (policy === 'all') return true
  if (policy === 'none' || !intoNewAccount || typeof scopes !== 'string') return false
  const list = scopes.split(' ').filter(Boolean)
  return list.length > 0 && list.every((s) => isScope(s) && s !== 'admin')
}

/**
 * Whether a file record of the archive touches content that is private here: its CID, or for a folder any
 * CID inside it (`entryCids`), has records here and none of them public.
 */
export function touchesPrivate(privateHere: ReadonlySet<string>, cid: string, entryCids: readonly string[]): boolean {
  return privateHere.has(cid) || entryCids.some((c) => privateHere.has(c))
}
