// The bucket Tack keeps uploaded bytes in, over the `minio` client. Writes go through our own multipart
// loop rather than putObject: putObject with an unknown size buffers parts of hundreds of MiB and cannot be
// aborted when the source fails, while this loop holds at most two parts in memory and aborts cleanly.
import type { Readable } from 'node:stream'
import type { Client } from 'minio'
import { CoreError } from '../errors.js'

/** 16 MiB parts: S3's 10 000-part limit makes that 156 GiB per object, with ≤ 32 MiB in memory. */
export const PART_SIZE = 16 * 1024 * 1024

export interface ObjectWriter {
  /** Resolves when the chunk is buffered; waits while a full part is still being sent (backpressure). */
  write(chunk: Uint8Array): Promise<void>
  /** Completes the object; returns its size. */
  finish(): Promise<number>
  /** Drops whatever was written; never throws. */
  abort(): Promise<void>
}

export interface ObjectStore {
  ensureBucket(): Promise<void>
  writer(key: string): ObjectWriter
  /** The object's bytes, or the inclusive range [start, end]. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>
  /** Removes the object and any unfinished multipart upload under its key. */
  remove(key: string): Promise<void>
  list(prefix: string): AsyncIterable<string>
}

export function createObjectStore(init: { client: () => Client; bucket: string }): ObjectStore {
  const { bucket } = init
  const wrap = (what: string) => (err: unknown) => {
    throw new CoreError('SERVICE_UNAVAILABLE', `object store ${what} failed: ${(err as Error).message}`, { cause: err })
  }
  return {
    async ensureBucket() {
      const client = init.client()
      if (!(await client.bucketExists(bucket).catch(wrap('bucket check')))) {
        await client.makeBucket(bucket).catch(wrap('make bucket'))
      }
    },
    writer: (key) => createWriter(init.client(), bucket, key),
    read(key, range) {
      const client = init.client()
      const get = range
        ? client.getPartialObject(bucket, key, range.start, range.end - range.start + 1)
        : client.getObject(bucket, key)
      return get.catch(wrap('read'))
    },
    async remove(key) {
      const client = init.client()
      await client.removeObject(bucket, key).catch(() => {})
      await client.removeIncompleteUpload(bucket, key).catch(() => {})
    },
    async *list(prefix) {
      for await (const item of init.client().listObjectsV2(bucket, prefix, true)) {
        if ((item as { name?: string }).name) yield (item as { name: string }).name
      }
    },
  }
}

function createWriter(client: Client, bucket: string, key: string): ObjectWriter {
  let chunks: Uint8Array[] = []
  let buffered = 0
  let total = 0
  let uploadId: string | undefined
  let inFlight: Promise<void> = Promise.resolve()
  let failed: unknown
  const etags: Array<{ part: number; etag: string }> = []

  const sendPart = async (payload: Buffer) => {
    uploadId ??= await client.initiateNewMultipartUpload(bucket, key, {})
    const part = etags.length + 1
    etags.push({ part, etag: '' })
    const res = await client.uploadPart(
      { bucketName: bucket, objectName: key, uploadID: uploadId, partNumber: part, headers: {} },
      payload,
    )
    etags[part - 1] = { part, etag: res.etag }
  }
  const take = () => {
    const payload = Buffer.concat(chunks, buffered)
    chunks = []
    buffered = 0
    return payload
  }

  return {
    async write(chunk) {
      if (failed) throw failed
      chunks.push(chunk)
      buffered += chunk.length
      total += chunk.length
      if (buffered < PART_SIZE) return
      await inFlight
      const payload = take()
      // The part uploads while the caller keeps streaming the next one.
      inFlight = sendPart(payload).catch((err) => {
        failed = new CoreError('SERVICE_UNAVAILABLE', `object store write failed: ${(err as Error).message}`)
      })
    },
    async finish() {
      await inFlight
      if (failed) throw failed
      try {
        if (!uploadId && etags.length === 0) {
          await client.putObject(bucket, key, take(), total)
        } else {
          if (buffered > 0) await sendPart(take())
          await client.completeMultipartUpload(bucket, key, uploadId!, etags)
        }
      } catch (err) {
        throw new CoreError('SERVICE_UNAVAILABLE', `object store write failed: ${(err as Error).message}`, {
          cause: err,
        })
      }
      return total
    },
    async abort() {
      chunks = []
      await inFlight.catch(() => {})
      if (uploadId) await client.abortMultipartUpload(bucket, key, uploadId).catch(() => {})
      await client.removeObject(bucket, key).catch(() => {})
    },
  }
}
