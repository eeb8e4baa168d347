// Private uploads. A private record lives only in the object store: its state stays 'stored' (repo.ts
// leaves private rows out of state changes), the pinner never records a pin object for it, and the open
// gateway resolves only public rows. The same CID can be private for one account and public for another:
// the public copy is public (served, pinned on access) and the private record stays private (it never
// gets a pin object of its own, so when the public copy goes, the content leaves Kubo with it).
import type { Db } from '../db/index.js'
import { CoreError } from '../errors.js'
import type { FileRow, FilesRepo } from './repo.js'

/** Marks an upload's records private, inside the upload's commit. Content this account already made
 *  public and pinned cannot become private by uploading it again: it may be on the network already. */
export function markPrivate(db: Db, repo: FilesRepo, accountId: number, rows: FileRow[]): void {
  // The folder this upload brings is being made private with its files: it does not count as public.
  const uploading = new Set(rows.map((r) => r.cid))
  for (const row of rows) {
    if (repo.pinsOf(accountId, row.multihash).length > 0)
      throw new CoreError(
        'CONFLICT',
        `${row.cid} is already public and pinned in this account; delete it before uploading it privately`,
      )
    // The account has one record per CID: a file of a public folder marked private would still be served
    // by that folder, so the record would say private while the gateway serves it to anyone.
    const folder = repo
      .foldersWith(accountId, row.cid)
      .map((cid) => repo.file(accountId, cid))
      .find((f) => f && !f.private && !uploading.has(f.cid))
    if (folder)
      throw new CoreError(
        'CONFLICT',
        `${row.cid} is a file of the public folder "${folder.name}" (${folder.cid}) in this account, which serves it ` +
          'to anyone; delete that folder before uploading it privately',
      )
    db.prepare("UPDATE files SET private = 1, state = 'stored' WHERE id = ?").run(row.id)
    // The caller goes on with these rows (events, pin records): they must say what the table says.
    Object.assign(row, { private: 1, state: 'stored' })
  }
}

/** `PATCH /api/files/{cid}` `{"private": false}`: the record (a folder with its files) becomes public and
 *  takes the state public copies of the CID have. Becoming private again is refused: it may be shared. */
export function setPrivate(db: Db, repo: FilesRepo, accountId: number, cid: string, wanted: boolean): void {
  const row = repo.file(accountId, cid)
  if (!row) throw new CoreError('NOT_FOUND', `no file ${cid} in this account`)
  if (Boolean(row.private) === wanted) return
  if (wanted)
    throw new CoreError(
      'CONFLICT',
      'a public file cannot become private again (it may be pinned or cached elsewhere); upload it with private=true instead',
    )
  const rows = [row, ...(row.kind === 'dir' ? repo.entries(cid).map((e) => repo.file(accountId, e.cid)) : [])]
  repo.transaction(() => {
    for (const r of rows) {
      if (!r?.private) continue
      const state = repo.stateOf(r.cid) ?? 'stored'
      db.prepare('UPDATE files SET private = 0, state = ? WHERE id = ?').run(state, r.id)
    }
  })
}

/** Whether any public record of this CID exists (then it is public content). */
export const hasPublicRow = (repo: FilesRepo, cid: string) => repo.rowsByCid(cid).some((r) => !r.private)
