// Files: uploads streamed into the object store with the CID `ipfs add --cid-version=1` would give, one
// record per account and CID, pinned in Kubo on demand; once pinned, their bytes live in Kubo only
// (placement.ts). Quotas are checked while the bytes stream and
// again when the upload commits; nothing half-done is ever listed (see upload.ts and sweep()).
import { quotaWords } from '../../../shared/bytes.js'
import type { Accounts } from '../accounts/index.js'
import { multihashOfCid } from '../cid/index.js'
import type { Db } from '../db/index.js'
import { CoreError } from '../errors.js'
import type { KuboClient } from '../kubo/client.js'
import type { GcGate } from '../kubo/gc.js'
import type { Logger } from '../log.js'
import type { ObjectStore } from '../object-store/store.js'
import { replaceCarBlob, type CarImporter } from './car/index.js'
import { createPlacement, type Placement } from './placement.js'
import { hasPublicRow, makePublic, markPrivate, markRowsPrivate, privacyChange } from './private.js'
import { createPinner, type FileStateEvent, type Pinner, type UploadPinsPort } from './pinner.js'
import { createFilesRepo, type FileRow, type FilesRepo, type ListQuery } from './repo.js'
import { discard, stage, stageRelayed, type RelayedPart, type StagedUpload, type UploadPart } from './upload.js'

export type { FileRow, FileState, ListQuery } from './repo.js'
export { FILE_STATES } from './repo.js'
export type { RelayedPart, UploadPart } from './upload.js'

export interface FilesInit {
  db: Db
  store: ObjectStore
  /** pinRm must be the one every domain unpins through (placement.ts: keepingBytes). */
  kubo: Pick<KuboClient, 'add' | 'pinAdd' | 'pinRm' | 'call' | 'pinLsRecursive'>
  accounts: Pick<Accounts, 'get'>
  /** Everything the account stores (uploads and pins, each CID once), for quota checks. */
  usageOf(accountId: number): number
  uploadPins?: UploadPinsPort
  /** The GC gate the pinner holds across add+pin (see kubo/gc.ts). */
  gcGate?: Pick<GcGate, 'hold'>
  /** Whether a pin object of any account needs this content (then deleting an upload never unpins it). */
  pinnedElsewhere?(multihash: string): boolean
  /** Removes one of the account's pin objects (the pins domain's remove): how Files unpins. */
  removePin?(accountId: number, requestid: string): void
  /** CAR uploads: how the pinner gets a CAR's DAG into Kubo (files/car/index.ts). */
  car?: CarImporter
  /** config.gcGateTimeoutMs: the deadline of a pin job's Kubo calls inside the GC gate. */
  gateTimeoutMs?: number
  /** config.accessPinJobs: pins asked for by first reads that run at once. */
  accessPinJobs?: number
  publish(event: FileStateEvent): void
  /** Folders nested in an upload's paths, at most (config.maxPathDepth; default upload.ts's). */
  maxPathDepth?: number
  log: Logger
}

export interface UploadResult {
  files: FileRow[]
  directory?: FileRow
}

export interface Files {
  readonly repo: FilesRepo
  readonly pinner: Pinner
  /** Where each upload's bytes are (object store or Kubo) and how they move. */
  readonly placement: Placement
  upload(
    accountId: number,
    parts: AsyncIterable<UploadPart>,
    options?: { declaredBytes?: number; pin?: boolean; private?: boolean },
  ): Promise<UploadResult>
  /** One raw body the byte relay carries to the store (upload.ts: RelayedPart). */
  uploadRelayed(accountId: number, part: RelayedPart, options?: { pin?: boolean; private?: boolean }): Promise<UploadResult>
  /** Whether a body can go to the store through the byte relay now (RelayedPart). */
  relayable(): boolean
  /** Throws what upload() would refuse up front (the quota for a declared size, pin with private). */
  admit(accountId: number, options: { declaredBytes?: number; pin?: boolean; private?: boolean }): void
  list(query: ListQuery): { count: number; rows: FileRow[] }
  get(accountId: number, cid: string): FileRow
  remove(accountId: number, cid: string): Promise<void>
  /** Starts pinning now (POST …/pin); resolves once the job started, not when it ends. */
  pin(accountId: number, cid: string): FileRow
  /** Removes the account's pin objects of this content (DELETE …/pin); the upload itself stays. */
  unpin(accountId: number, cid: string): FileRow
  /**
   * `PATCH /api/files/{cid}`: private makes the record (a folder with its files) private: its upload pins go,
   * and with them its copy in Kubo unless something else pins it (the bytes move back to the object store
   * first: placement.ts, keepBeforeUnpin). Public makes it public, in the state public copies of it have.
   */
  setPrivate(accountId: number, cid: string, wanted: boolean): Promise<FileRow>
  /** What deleting this upload takes with it, for the confirmation a person reads first. */
  removal(accountId: number, cid: string): Removal
  /** A pin object of this content went (Pins page, PSA DELETE): uploads nobody pins any more are unpinned. */
  pinGone(cid: string): void
  /** Bytes of the account's uploads not counted as pins already. */
  usageOf(accountId: number): number
  start(): Promise<void>
  stop(): Promise<void>
}

export interface Removal {
  /** The files that go with it (a folder's own files, those no other folder of the account holds). */
  files: number
  /** The account's pin objects of this content that go (the upload's own). */
  pins: number
  /** The account's own pins of this content (made through the Pinning API), which stay. */
  keptPins: number
  /** Forwarding targets asked to drop their copy, when nothing else keeps the content pinned. */
  forwarded: number
}

export function createFiles(init: FilesInit): Files {
  const repo = createFilesRepo(init.db)
  const { store, log } = init
  const placement = createPlacement({
    db: init.db,
    repo,
    store,
    kubo: init.kubo,
    pinnedElsewhere: init.pinnedElsewhere,
    log,
  })
  const pinner = createPinner({
    repo,
    placement,
    kubo: init.kubo,
    uploadPins: init.uploadPins,
    gcGate: init.gcGate,
    pinnedElsewhere: init.pinnedElsewhere,
    car: init.car,
    gateTimeoutMs: init.gateTimeoutMs,
    accessPinJobs: init.accessPinJobs,
    publish: init.publish,
    log,
  })

  const allowance = (accountId: number) => {
    const quota = init.accounts.get(accountId).quotaBytes
    return quota === null ? Infinity : Math.max(0, quota - init.usageOf(accountId))
  }
  const refuse = (accountId: number, left: number, needs?: number) =>
    new CoreError(
      'INSUFFICIENT_FUNDS',
      `this upload ${quotaWords({ needs, moreThan: left, left, quota: init.accounts.get(accountId).quotaBytes ?? 0 })}`,
    )

  /** One transaction: blobs, rows and folder entries appear together or not at all. */
  function commit(
    accountId: number,
    staged: StagedUpload,
    isPrivate = false,
  ): { result: UploadResult; garbage: string[] } {
    const garbage: string[] = []
    const result = repo.transaction(() => {
      const fresh = new Map(staged.files.filter((f) => !repo.file(accountId, f.cid)).map((f) => [f.cid, f.size]))
      const adding = [...fresh.values()].reduce((a, b) => a + b, 0)
      const left = allowance(accountId)
      if (adding > left) throw refuse(accountId, left, adding)
      const now = Date.now()
      const files = staged.files.map((f) => {
        const carKey = replaceCarBlob(init.db, f.cid, f.objectKey, f.size)
        if (carKey) {
          // The file's own bytes replace a CAR with the same root: a folder's entry is served from them.
          repo.addPending(carKey)
          garbage.push(carKey)
          repo.removePending(f.objectKey)
        } else if (repo.blob(f.cid)) garbage.push(f.objectKey)
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
      if (isPrivate) markPrivate(init.db, repo, accountId, [...files, ...(directory ? [directory] : [])])
      return { files, directory }
    })
    return { result, garbage }
  }

  /** The account's file rows that came with this folder and that no other folder or lone upload keeps. */
  const folderOwnFiles = (accountId: number, dir: FileRow) =>
    repo
      .entries(dir.cid)
      .map((e) => repo.file(accountId, e.cid))
      .filter((f): f is FileRow => Boolean(f && f.kind === 'file' && f.path !== null))
      .filter((f) => repo.foldersWith(accountId, f.cid).every((c) => c === dir.cid))

  /** After staging: commits the records (one object per content), publishes them, pins when asked. */
  async function finishUpload(
    accountId: number,
    staged: StagedUpload,
    options: { pin?: boolean; private?: boolean },
  ): Promise<UploadResult> {
    // Again now the parts are read: a multipart form's \`private\` field is known only once it has been seen.
    if (options.pin && options.private) {
      await discard(
        { repo, store },
        staged.files.map((f) => f.objectKey),
      )
      throw new CoreError(
        'BAD_REQUEST',
        'a private upload is never pinned: pin=true and a private field exclude each other',
      )
    }
    let committed: ReturnType<typeof commit>
    try {
      committed = commit(accountId, staged, options.private)
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
    // A CAR's blob replaced by these bytes, while Kubo holds its DAG already: the new object is a second copy.
    for (const row of result.files) if (row.state === 'pinned') await placement.evict(row.cid)
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
  }

  const files: Files = {
    repo,
    pinner,
    placement,
    relayable: () => store.presignable(),
    admit(accountId, options) {
      if (options.pin && options.private)
        throw new CoreError(
          'BAD_REQUEST',
          'a private upload is never pinned: pin=true and private=true exclude each other',
        )
      const left = allowance(accountId)
      if (options.declaredBytes !== undefined && options.declaredBytes > left)
        throw refuse(accountId, left, options.declaredBytes)
    },
    async upload(accountId, parts, options = {}) {
      files.admit(accountId, options)
      const left = allowance(accountId)
      let staged: StagedUpload
      try {
        staged = await stage({ repo, store }, parts, left, init.maxPathDepth)
      } catch (err) {
        // The stream stopped at the quota: how much more was coming is unknown, so "more than" what was left.
        if (err instanceof CoreError && err.code === 'INSUFFICIENT_FUNDS')
          throw refuse(accountId, left, options.declaredBytes)
        throw err
      }
      return finishUpload(accountId, staged, options)
    },
    async uploadRelayed(accountId, part, options = {}) {
      files.admit(accountId, { ...options, declaredBytes: part.size })
      return finishUpload(accountId, await stageRelayed({ repo, store }, part), options)
    },
    list: (query) => repo.list(query),
    get(accountId, cid) {
      const row = repo.entry(accountId, cid)
      if (!row) throw new CoreError('NOT_FOUND', `no file ${cid} in this account`)
      return row
    },
    removal(accountId, cid) {
      const row = files.get(accountId, cid)
      const pins = repo.pinsOf(accountId, row.multihash)
      const going = pins.filter((p) => p.upload).length
      // Forwarded copies are dropped only when no pin object of any account keeps the content.
      const lastPins = repo.pinCount(row.multihash) === going
      return {
        files: row.kind === 'dir' ? folderOwnFiles(accountId, row).length : 1,
        pins: going,
        keptPins: pins.length - going,
        forwarded: lastPins && going > 0 ? repo.forwardedTo(row.multihash) : 0,
      }
    },
    async remove(accountId, cid) {
      const row = files.get(accountId, cid)
      // Kubo's view, not the account's: the content may be pinned for another account's sake.
      const heldInKubo = repo.stateOf(cid) !== 'stored'
      const doomed = repo.transaction(() => {
        repo.deleteFile(row.id)
        const candidates = [cid]
        if (row.kind === 'dir') {
          // The folder's files go with it, unless another folder of the account (or a lone upload) has them.
          for (const file of folderOwnFiles(accountId, row)) {
            repo.deleteFile(file.id)
            candidates.push(file.cid)
          }
          if (repo.rowsByCid(cid).length === 0) {
            candidates.push(...repo.entries(cid).map((e) => e.cid))
            repo.deleteEntries(cid)
          }
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
      // Private records never hold content in Kubo (files/private.ts): only public ones keep it pinned.
      if (repo.rowsByCid(cid).every((r) => r.private) && heldInKubo && !init.pinnedElsewhere?.(row.multihash)) {
        await init.kubo.pinRm(cid).catch((err: unknown) => log.warn('unpin failed', { cid, error: String(err) }))
      }
      await discard({ repo, store }, doomed)
    },
    pin(accountId, cid) {
      const row = files.get(accountId, cid)
      if (row.private)
        throw new CoreError('CONFLICT', `${cid} is private: make it public first (PATCH /api/files/${cid})`)
      // Kubo may hold it for another account already: then this account only needs its pin object again.
      if (repo.stateOf(cid) === 'pinned') pinner.recordPin(repo.file(accountId, cid)!)
      else pinner.ensurePinned(cid).catch(() => {})
      return files.get(accountId, row.cid)
    },
    async setPrivate(accountId, cid, wanted) {
      const row = files.get(accountId, cid)
      if (!wanted) {
        makePublic(init.db, repo, accountId, row.cid)
        return files.get(accountId, row.cid)
      }
      privacyChange(repo, accountId, row) // refuses before anything waits or changes
      const dequeued = new Set<string>()
      for (const c of new Set(privacyChange(repo, accountId, row).rows.map((r) => r.cid)))
        if (await pinner.settle(c)) dequeued.add(c)
      // Checked again: the account may have changed while a job was awaited.
      const { rows, pins } = privacyChange(repo, accountId, files.get(accountId, cid))
      for (const requestid of pins) init.removePin?.(accountId, requestid)
      markRowsPrivate(init.db, repo, rows)
      // Taken off the queue for these records: public records of other accounts still want the pin.
      for (const c of dequeued) if (hasPublicRow(repo, c)) pinner.pinSoon(c)
      for (const r of rows) init.publish({ type: 'file', accountId, cid: r.cid, name: r.name, state: 'stored' })
      return files.get(accountId, row.cid)
    },
    unpin(accountId, cid) {
      const row = files.get(accountId, cid)
      // Each removal publishes a deleted-pin event; pinGone then unpins in Kubo once nobody else pins it.
      for (const p of repo.pinsOf(accountId, row.multihash)) init.removePin?.(accountId, p.requestid)
      return files.get(accountId, cid)
    },
    pinGone(cid) {
      let multihash: string
      try {
        multihash = multihashOfCid(cid)
      } catch {
        return
      }
      if (init.pinnedElsewhere?.(multihash)) return
      // Synchronous, before the pins domain's releaser looks at holdsInKubo: it then unpins the content in Kubo.
      for (const c of new Set(
        repo
          .rowsByMultihash(multihash)
          .filter((r) => r.state === 'pinned')
          .map((r) => r.cid),
      )) {
        repo.setState(c, 'stored')
        for (const r of repo.rowsByCid(c))
          init.publish({ type: 'file', accountId: r.account_id, cid: c, name: r.name, state: 'stored' })
      }
    },
    usageOf: (accountId) => repo.usageOf(accountId),
    async start() {
      await sweep(repo, store, log)
      pinner.resume()
      // In the background: a migrated data dir may have much to move, and reads work from either place.
      void placement.reconcile()
    },
    async stop() {
      await pinner.stop()
      await placement.stop()
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
