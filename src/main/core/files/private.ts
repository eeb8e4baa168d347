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
    refuseInPublicFolder(repo, accountId, row.cid, uploading, 'delete that folder before uploading it privately')
    db.prepare("UPDATE files SET private = 1, state = 'stored' WHERE id = ?").run(row.id)
    // The caller goes on with these rows (events, pin records): they must say what the table says.
    Object.assign(row, { private: 1, state: 'stored' })
  }
}

/**
 * The account has one record per CID: a file of a public folder marked private would still be served by that
 * folder, so the record would say private while the gateway serves it to anyone. Folders in `going` are
 * becoming private along with it.
 */
function refuseInPublicFolder(repo: FilesRepo, accountId: number, cid: string, going: Set<string>, instead: string) {
  const folder = repo
    .foldersWith(accountId, cid)
    .map((c) => repo.file(accountId, c))
    .find((f) => f && !f.private && !going.has(f.cid))
  if (folder)
    throw new CoreError(
      'CONFLICT',
      `${cid} is a file of the public folder "${folder.name}" (${folder.cid}) in this account, which serves it ` +
        `to anyone; ${instead}`,
    )
}

/** The record and, for a folder, the account's records of its files. */
function withFiles(repo: FilesRepo, accountId: number, row: FileRow): FileRow[] {
  const files = row.kind === 'dir' ? repo.entries(row.cid).map((e) => repo.file(accountId, e.cid)) : []
  return [row, ...files.filter((f): f is FileRow => f !== undefined)]
}

/**
 * What making a public upload private takes, checked before anything changes: the records that become
 * private, and the account's pin objects of them that go (the uploads' own). Refused while a public folder
 * of the account serves the file, or a pin the account made through the Pinning API keeps it on IPFS: those
 * are the account's to remove first. What others already fetched stays with them; Tack stops serving and
 * providing it (files/index.ts: makePrivate).
 */
export function privacyChange(repo: FilesRepo, accountId: number, row: FileRow): { rows: FileRow[]; pins: string[] } {
  const rows = withFiles(repo, accountId, row).filter((r) => !r.private)
  const going = new Set(rows.map((r) => r.cid))
  const pins: string[] = []
  for (const r of rows) {
    refuseInPublicFolder(repo, accountId, r.cid, going, 'make that folder private instead')
    for (const p of repo.pinsOf(accountId, r.multihash)) {
      if (!p.upload)
        throw new CoreError(
          'CONFLICT',
          `${r.cid} is pinned through the Pinning API in this account (request ${p.requestid}), which keeps it on IPFS; remove that pin first`,
        )
      pins.push(p.requestid)
    }
  }
  return { rows, pins }
}

/** The records become private: only signed links serve them, and they never hold content in Kubo. */
export function markRowsPrivate(db: Db, repo: FilesRepo, rows: FileRow[]): void {
  repo.transaction(() => {
    for (const r of rows) db.prepare("UPDATE files SET private = 1, state = 'stored' WHERE id = ?").run(r.id)
  })
}

/** `PATCH /api/files/{cid}` `{"private": false}`: the record (a folder with its files) becomes public and
 *  takes the state public copies of the CID have. (`true` goes through files/index.ts: makePrivate.) */
export function makePublic(db: Db, repo: FilesRepo, accountId: number, cid: string): void {
  const row = repo.file(accountId, cid)
  if (!row) throw new CoreError('NOT_FOUND', `no file ${cid} in this account`)
  if (!row.private) return
  const rows = withFiles(repo, accountId, row)
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
