// Files: uploads streamed into the object store with the CID `ipfs add --cid-version=1` would give, one
// record per account and CID, pinned in Kubo on demand. Quotas are checked while the bytes stream and
// again when the upload commits; nothing half-done is ever listed (see upload.ts and sweep()).
import { CID } from 'multiformats/cid'
import type { Accounts } from '../accounts/index.js'
import type { Db } from '../db/index.js'
import { CoreError } from '../errors.js'
import type { KuboClient } from '../kubo/client.js'
import type { GcGate } from '../kubo/gc.js'
import type { Logger } from '../log.js'
import type { ObjectStore } from '../minio/store.js'
import { createPinner, type FileStateEvent, type Pinner, type UploadPinsPort } from './pinner.js'
import { createFilesRepo, type FileRow, type FilesRepo, type ListQuery } from './repo.js'
import { discard, stage, type StagedUpload, type UploadPart } from './upload.js'

export type { FileRow, FileState, ListQuery } from './repo.js'
export { FILE_STATES } from './repo.js'
export type { UploadPart } from './upload.js'

export interface FilesInit {
  db: Db
  store: ObjectStore
  kubo: Pick<KuboClient, 'add' | 'pinAdd' | 'pinRm'>
  accounts: Pick<Accounts, 'get'>
  /** Everything the account stores (uploads and pins, each CID once), for quota checks. */
  usageOf(accountId: number): number
  uploadPins?: UploadPinsPort
  /** The GC gate the pinner holds across add+pin (see kubo/gc.ts). */
  gcGate?: Pick<GcGate, 'hold'>
  /** Whether a pin object of any account needs this content (then deleting an upload never unpins it). */
  pinnedElsewhere?(multihash: string): boolean
  publish(event: FileStateEvent): void
  log: Logger
}

export interface UploadResult {
  files: FileRow[]
  directory?: FileRow
}

export interface Files {
  readonly repo: FilesRepo
  readonly pinner: Pinner
  upload(
    accountId: number,
    parts: AsyncIterable<UploadPart>,
    options?: { declaredBytes?: number; pin?: boolean },
  ): Promise<UploadResult>
  list(query: ListQuery): { count: number; rows: FileRow[] }
  get(accountId: number, cid: string): FileRow
  remove(accountId: number, cid: string): Promise<void>
  /** Starts pinning now (POST …/pin); resolves once the job started, not when it ends. */
  pin(accountId: number, cid: string): FileRow
  /** Bytes of the account's uploads not counted as pins already. */
  usageOf(accountId: number): number
  start(): Promise<void>
  stop(): Promise<void>
}

export const multihashOfCid = (cid: string) => Buffer.from(CID.parse(cid).multihash.bytes).toString('hex')

export function createFiles(init: FilesInit): Files {
  const repo = createFilesRepo(init.db)
  const { store, log } = init
  const pinner = createPinner({
    repo,
    store,
    kubo: init.kubo,
    uploadPins: init.uploadPins,
    gcGate: init.gcGate,
    pinnedElsewhere: init.pinnedElsewhere,
    publish: init.publish,
    log,
  })

  const allowance = (accountId: number) => {
    const quota = init.accounts.get(accountId).quotaBytes
    return quota === null ? Infinity : Math.max(0, quota - init.usageOf(accountId))
  }
  const refuse = (left: number) =>
    new CoreError('INSUFFICIENT_FUNDS', `this upload does not fit in the account's quota (${left} bytes left)`)

  /** One transaction: blobs, rows and folder entries appear together or not at all. */
  function commit(accountId: number, staged: StagedUpload): { result: UploadResult; garbage: string[] } {
    const garbage: string[] = []
    const result = repo.transaction(() => {
      const fresh = new Map(staged.files.filter((f) => !repo.file(accountId, f.cid)).map((f) => [f.cid, f.size]))
      const adding = [...fresh.values()].reduce((a, b) => a + b, 0)
      const left = allowance(accountId)
      if (adding > left) throw refuse(left)
      const now = Date.now()
      const files = staged.files.map((f) => {
        if (repo.blob(f.cid)) garbage.push(f.objectKey)
        else {
          repo.insertBlob({ cid: f.cid, object_key: f.objectKey, size: f.size })
          repo.removePending(f.objectKey)
        }
        const row = {
          account_id: accountId,
          cid: f.cid,
          multihash: multihashOfCid(f.cid),
          kind: 'file' as const,
          name: f.name,
          size: f.size,
          mime: f.mime,
          created_at: now,
        }
        return repo.insertFile({ ...row, path: f.path.includes('/') ? f.path : null }, repo.stateOf(f.cid) ?? 'stored')
      })
      const dir = staged.directory
      let directory: FileRow | undefined
      if (dir) {
        for (const e of dir.entries) repo.insertEntry(dir.cid, e)
        const size = dir.entries.reduce((a, e) => a + e.size, 0)
        const row = {
          account_id: accountId,
          cid: dir.cid,
          multihash: multihashOfCid(dir.cid),
          kind: 'dir' as const,
          name: dir.name,
          path: null,
          size,
          mime: 'inode/directory',
          created_at: now,
        }
        directory = repo.insertFile(row, repo.stateOf(dir.cid) ?? 'stored')
      }
      return { files, directory }
    })
    return { result, garbage }
  }

  const files: Files = {
    repo,
    pinner,
    async upload(accountId, parts, options = {}) {
      const left = allowance(accountId)
      if (options.declaredBytes !== undefined && options.declaredBytes > left) throw refuse(left)
      const staged = await stage({ repo, store }, parts, left)
      let committed: ReturnType<typeof commit>
      try {
        committed = commit(accountId, staged)
      } catch (err) {
        await discard(
          { repo, store },
          staged.files.map((f) => f.objectKey),
        )
        throw err
      }
      // Content stored once per CID: a second copy of known bytes goes as soon as the rows point at the first.
      await discard({ repo, store }, committed.garbage)
      const { result } = committed
      for (const row of [...result.files, ...(result.directory ? [result.directory] : [])]) {
        init.publish({ type: 'file', accountId, cid: row.cid, name: row.name, state: row.state })
        if (row.state === 'pinned') pinner.recordPin(row)
      }
      if (options.pin) {
        const roots = result.directory ? [result.directory] : result.files
        // The upload itself succeeded: a failed pin shows as the record's state, not as a failed request.
        await Promise.allSettled(roots.map((r) => pinner.ensurePinned(r.cid)))
        return {
          files: result.files.map((f) => repo.file(accountId, f.cid)!),
          directory: result.directory && repo.file(accountId, result.directory.cid),
        }
      }
      return result
    },
    list: (query) => repo.list(query),
    get(accountId, cid) {
      const row = repo.file(accountId, cid)
      if (!row) throw new CoreError('NOT_FOUND', `no file ${cid} in this account`)
      return row
    },
    async remove(accountId, cid) {
      const row = files.get(accountId, cid)
      const doomed = repo.transaction(() => {
        repo.deleteFile(row.id)
        const candidates = [cid]
        if (row.kind === 'dir' && repo.rowsByCid(cid).length === 0) {
          candidates.push(...repo.entries(cid).map((e) => e.cid))
          repo.deleteEntries(cid)
        }
        const keys: string[] = []
        for (const c of new Set(candidates)) {
          const blob = repo.blob(c)
          if (!blob || !repo.isUnreferenced(c)) continue
          // Pending again until the object is really gone: a crash now leaves it to the next sweep.
          repo.addPending(blob.object_key)
          repo.deleteBlob(c)
          keys.push(blob.object_key)
        }
        return keys
      })
      init.uploadPins?.remove(accountId, cid)
      if (repo.rowsByCid(cid).length === 0 && row.state !== 'stored' && !init.pinnedElsewhere?.(row.multihash)) {
        await init.kubo.pinRm(cid).catch((err: unknown) => log.warn('unpin failed', { cid, error: String(err) }))
      }
      await discard({ repo, store }, doomed)
    },
    pin(accountId, cid) {
      const row = files.get(accountId, cid)
      pinner.ensurePinned(cid).catch(() => {})
      return repo.file(accountId, row.cid)!
    },
    usageOf: (accountId) => repo.usageOf(accountId),
    async start() {
      await sweep(repo, store, log)
      pinner.resume()
    },
    async stop() {
      await pinner.stop()
    },
  }
  return files
}

/** Removes what an earlier run left half-done: objects of uploads that never committed or deletes that never finished. */
async function sweep(repo: FilesRepo, store: ObjectStore, log: Logger): Promise<void> {
  const keys = repo.pendingKeys()
  if (keys.length) log.info('removing unfinished uploads', { count: keys.length })
  await discard({ repo, store }, keys)
}
