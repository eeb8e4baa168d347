// CAR uploads (`PUT /api/files?format=car`): the CAR streams into a fresh object while verify.ts checks
// every block, and only a CAR that passed is committed (blob with format 'car', one file record whose
// CID is the root). Kubo gets the DAG by `dag/import` through the pinner's usual path (importCar below),
// right after the upload and again whenever the pinner finds it missing, so the gateway serves exactly
// what Kubo serves for the same CAR. A refused CAR leaves nothing: its object is pending until discarded.
import { randomUUID } from 'node:crypto'
import type { Accounts } from '../../accounts/index.js'
import { multihashHex } from '../../cid/index.js'
import type { Db } from '../../db/index.js'
import { cached } from '../../db/statements.js'
import { CoreError } from '../../errors.js'
import { multipartBody } from '../../kubo/add.js'
import type { KuboClient } from '../../kubo/client.js'
import type { Logger } from '../../log.js'
import type { ObjectStore } from '../../object-store/store.js'
import type { Pinner } from '../pinner.js'
import type { FileRow, FilesRepo } from '../repo.js'
import { discard } from '../upload.js'
import { verifyCar, type VerifyLimits } from './verify.js'

export const CAR_CONTENT_TYPE = 'application/vnd.ipld.car'

/** What the pinner needs: which blobs are CARs, and how one gets into Kubo (import, then pin). */
export interface CarImporter {
  isCar(cid: string): boolean
  importCar(cid: string, signal?: AbortSignal): Promise<void>
}

export interface CarUploads {
  upload(
    accountId: number,
    body: AsyncIterable<Uint8Array>,
    options: { name: string; declaredBytes?: number },
  ): Promise<FileRow>
}

/** When the blob of this CID is a CAR, points it at a plain file's object with the same CID instead (the
 *  file's bytes serve everything a CAR of one file does, and folders read their entries' bytes from blobs);
 *  returns the CAR's object key, now garbage. Runs inside the upload's commit. */
export function replaceCarBlob(db: Db, cid: string, objectKey: string, size: number): string | undefined {
  const car = db.prepare("SELECT object_key FROM blobs WHERE cid = ? AND format = 'car'").get(cid) as
    { object_key: string } | undefined
  if (!car) return undefined
  // In the store again: when Kubo holds the DAG already, the upload's commit evicts it (files/placement.ts).
  db.prepare("UPDATE blobs SET object_key = ?, size = ?, format = 'raw', location = 'store' WHERE cid = ?").run(
    objectKey,
    size,
    cid,
  )
  return car.object_key
}

/** Whether the blob of this CID is a CAR (the gateway then serves it from Kubo): asked on every gateway read. */
export const isCarBlob = (db: Db, cid: string) =>
  Boolean(cached(db, "SELECT 1 FROM blobs WHERE cid = ? AND format = 'car'").get(cid))

export function createCarImporter(deps: {
  db: Db
  store: ObjectStore
  kubo: Pick<KuboClient, 'call' | 'pinAdd'>
}): CarImporter {
  return {
    isCar: (cid) => isCarBlob(deps.db, cid),
    async importCar(cid, signal) {
      const blob = deps.db.prepare('SELECT object_key FROM blobs WHERE cid = ?').get(cid) as
        { object_key: string } | undefined
      if (!blob) throw new CoreError('NOT_FOUND', `the CAR of ${cid} is missing from the object store`)
      const content = await deps.store.read(blob.object_key)
      const { body, contentType } = multipartBody(
        (async function* () {
          yield { path: 'upload.car', content }
        })(),
      )
      // Not pinned by the import: the pin below is the pinner's, under the GC gate it holds.
      const res = await deps.kubo.call(
        'dag/import',
        { 'pin-roots': 'false', stats: 'false' },
        { body, headers: { 'content-type': contentType }, signal },
      )
      await res.text()
      // Kubo's `pin add` fetches what is missing even when asked to stay offline (its pinner walks the DAG
      // online), and this runs inside the GC gate: the whole DAG must be here before the pin starts. A CAR
      // checked by verify.ts always is; one an older Tack let in (an identity root linking elsewhere) is not.
      await assertWholeDagLocal(deps.kubo, cid, signal)
      await deps.kubo.pinAdd(cid, undefined, signal, { offline: true })
    },
  }
}

/** Walks the DAG in Kubo without fetching (`refs -r --offline`); a block not held locally fails at once. */
async function assertWholeDagLocal(kubo: Pick<KuboClient, 'call'>, cid: string, signal?: AbortSignal) {
  const res = await kubo.call('refs', { arg: cid, recursive: 'true', unique: 'true', offline: 'true' }, { signal })
  let rest = ''
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    const lines = (rest + Buffer.from(chunk).toString('utf8')).split('\n')
    rest = lines.pop()!
    for (const line of lines) {
      const err = line.trim() && (JSON.parse(line) as { Err?: string }).Err
      if (err)
        throw new CoreError(
          'BAD_REQUEST',
          `the CAR of ${cid} does not hold its whole DAG (Kubo, offline: ${err}); it is not pinned`,
        )
    }
  }
}

export interface CarUploadsInit {
  db: Db
  repo: FilesRepo
  store: ObjectStore
  pinner: Pick<Pinner, 'ensurePinned' | 'recordPin'>
  accounts: Pick<Accounts, 'get'>
  usageOf(accountId: number): number
  /** Bounds of the DAG check (config: carMaxBlocks, carMaxLinks, carMaxDepth). */
  limits: VerifyLimits
  log: Logger
}

export function createCarUploads(init: CarUploadsInit): CarUploads {
  const { repo, store } = init
  const allowance = (accountId: number) => {
    const quota = init.accounts.get(accountId).quotaBytes
    return quota === null ? Infinity : Math.max(0, quota - init.usageOf(accountId))
  }
  const overQuota = (left: number) =>
    new CoreError('INSUFFICIENT_FUNDS', `this CAR exceeds the account's quota (${left} bytes left)`)

  return {
    async upload(accountId, body, options) {
      const left = allowance(accountId)
      if (options.declaredBytes !== undefined && options.declaredBytes > left) throw overQuota(left)
      const key = `uploads/${randomUUID()}`
      repo.addPending(key)
      const writer = store.writer(key)
      let total = 0
      const tee = async function* () {
        for await (const chunk of body) {
          total += chunk.length
          if (total > left) throw overQuota(left)
          await writer.write(chunk)
          yield chunk
        }
      }
      let verified: Awaited<ReturnType<typeof verifyCar>>
      try {
        const source = tee()
        verified = await verifyCar(source, init.limits)
        // Whatever follows the last block (nothing, in a well-formed CAR) is still part of the object.
        for await (const _ of source) void _
        await writer.finish()
      } catch (err) {
        await discard({ repo, store }, [key], [writer])
        throw err
      }
      const cid = verified.root.toV1().toString()
      const multihash = multihashHex(verified.root)
      let garbage = false
      let row: FileRow
      try {
        row = repo.transaction(() => {
          // Again at the commit, in its transaction: uploads that streamed side by side all saw the same room.
          const adding = repo.file(accountId, cid) ? 0 : verified.dagBytes
          const room = allowance(accountId)
          if (adding > room) throw overQuota(room)
          if (repo.blob(cid)) garbage = true
          else {
            repo.insertBlob({ cid, object_key: key, size: total })
            init.db.prepare("UPDATE blobs SET format = 'car' WHERE cid = ?").run(cid)
            repo.removePending(key)
          }
          const kind = verified.isDirectory ? ('dir' as const) : ('file' as const)
          return repo.insertFile(
            {
              account_id: accountId,
              cid,
              multihash,
              kind,
              name: options.name,
              path: null,
              size: verified.dagBytes,
              mime: verified.isDirectory ? 'inode/directory' : 'application/octet-stream',
              created_at: Date.now(),
            },
            repo.stateOf(cid) ?? 'stored',
          )
        })
      } catch (err) {
        await discard({ repo, store }, [key])
        throw err
      }
      if (garbage) await discard({ repo, store }, [key])
      init.log.info('CAR upload verified', { cid, blocks: verified.blocks, bytes: total })
      // Into Kubo now: the gateway serves a CAR's DAG from Kubo. A failure shows as the record's state.
      if (row.state === 'pinned') init.pinner.recordPin(row)
      else await init.pinner.ensurePinned(cid).catch(() => {})
      return repo.entry(accountId, cid) ?? row
    },
  }
}
