// The bucket Tack keeps uploaded bytes in, over the `minio` client. Writes go through our own multipart
// loop rather than putObject: putObject with an unknown size buffers parts of hundreds of MiB and cannot be
// aborted when the source fails, while this loop holds a bounded number of parts and aborts cleanly.
// Measured (node --cpu-prof of `tack serve` during a 1 GiB PUT, bench/upload.ts): the client's SHA-256 of
// every part (x-amz-content-sha256) was the second largest CPU cost after the CID's own hashing, and one
// part at a time left MinIO idle while the next part filled. So, against a loopback MinIO, parts are sent
// with UNSIGNED-PAYLOAD (SigV4 still signs the headers; the bytes never leave this machine) and up to
// PARTS_IN_FLIGHT parts are sent at once. When the size is known up front (a raw PUT with Content-Length)
// and the payload is unsigned, the object is one streamed PUT instead: nothing is buffered in Tack at all
// (peak RSS growth of a 1 GiB PUT /api/files went from ~100 MiB to the importer's own few MiB) and MinIO
// takes one stream at least as fast as parallel parts. Uploads of over 128 MiB through the byte relay (presignedWrite)
// go in parts sent one after another, the next while MinIO still syncs the last (tools/launcher/parts.go).
import { once } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { PassThrough, type Readable } from 'node:stream'
import type { Client } from 'minio'
import { CoreError } from '../errors.js'

/** 8 MiB parts; from part 5 000 on, 32 MiB ones, so S3's 10 000-part limit still allows 195 GiB. */
export const PART_SIZE = 8 * 1024 * 1024
const LARGE_PART_FROM = 5_000
const LARGE_PART_SIZE = 32 * 1024 * 1024
/** Parts sent at once; with the one filling, memory stays ≤ (PARTS_IN_FLIGHT + 2) × PART_SIZE per upload. */
export const PARTS_IN_FLIGHT = 3
/** S3's limit for one PUT. */
const SINGLE_PUT_MAX = 5 * 1024 ** 3
/** A relayed upload larger than two of these goes to the store in parts of (at least) this size (presignedWrite). */
export const RELAY_PART_SIZE = 64 * 1024 * 1024
const MAX_PARTS = 10_000

/** Presigned PUTs that take exactly `size` bytes: one, or the parts of a multipart upload (tools/launcher/parts.go
 *  says why). `complete` makes the object once the store has every part. */
export interface PresignedWrite {
  /** Bytes per part, the last part shorter; one part of the whole length is a single PUT. */
  partSize: number
  parts: number
  /** The PUT of part n (from 1), signed when asked for (valid for a minute). */
  part(n: number): Promise<URL>
  /** Given what the store answered for each part, in order. */
  complete(etags: string[]): Promise<void>
}

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
  /** `size`, when known, lets a small-enough object be sent as one streamed PUT of exactly that size. */
  writer(key: string, size?: number): ObjectWriter
  /** The object's bytes, or the inclusive range [start, end]. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>
  /**
   * The same read as a presigned GET (valid for a minute) that another process can make (the byte relay);
   * undefined unless the store is plain HTTP on loopback (the bundled MinIO).
   */
  presignedRead(key: string): Promise<URL | undefined>
  /** Whether presignedRead and presignedWrite give URLs now (the store is plain HTTP on loopback and started). */
  presignable(): boolean
  /**
   * Presigned PUTs that take exactly `size` bytes, for the relay: one, or (above two RELAY_PART_SIZEs) the
   * parts of a multipart upload; undefined as for presignedRead.
   */
  presignedWrite(key: string, size: number): Promise<PresignedWrite | undefined>
  /** Removes the object and any unfinished multipart upload under its key. */
  remove(key: string): Promise<void>
  list(prefix: string): AsyncIterable<string>
}

export interface ObjectStoreInit {
  client: () => Client
  bucket: string
  /**
   * Send bodies as UNSIGNED-PAYLOAD. Default: only when the endpoint is plain HTTP on loopback (the bundled
   * MinIO); an external endpoint over HTTPS gets it from the client anyway, one over plain HTTP keeps its hash.
   */
  unsignedPayload?: boolean
}

export function createObjectStore(init: ObjectStoreInit): ObjectStore {
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
    writer(key, size) {
      const client = unsigned(init.client(), init.unsignedPayload)
      // A streamed body cannot be hashed before it is sent: only an unsigned payload can stream.
      return size !== undefined && size <= SINGLE_PUT_MAX && !client.enableSHA256
        ? createStreamWriter(client, bucket, key, size)
        : createWriter(client, bucket, key)
    },
    read(key, range) {
      const client = init.client()
      const get = range
        ? client.getPartialObject(bucket, key, range.start, range.end - range.start + 1)
        : client.getObject(bucket, key)
      return get.catch(wrap('read'))
    },
    presignable() {
      try {
        return plainLoopback(init.client())
      } catch {
        return false // not started yet
      }
    },
    async presignedRead(key) {
      const client = init.client()
      if (!plainLoopback(client)) return undefined
      return new URL(await client.presignedGetObject(bucket, key, 60).catch(wrap('read')))
    },
    async presignedWrite(key, size) {
      const client = init.client()
      if (!plainLoopback(client)) return undefined
      if (size <= 2 * RELAY_PART_SIZE) {
        const url = new URL(await client.presignedPutObject(bucket, key, 60).catch(wrap('write')))
        return { partSize: size, parts: 1, part: async () => url, complete: async () => {} }
      }
      const MiB = 1024 * 1024
      const partSize = Math.max(RELAY_PART_SIZE, Math.ceil(size / MAX_PARTS / MiB) * MiB)
      const parts = Math.ceil(size / partSize)
      const uploadId = await client.initiateNewMultipartUpload(bucket, key, {}).catch(wrap('write'))
      const part = async (n: number) => {
        if (!Number.isInteger(n) || n < 1 || n > parts) throw new Error(`no part ${n} of ${parts}`)
        const query = { partNumber: String(n), uploadId }
        return new URL(await client.presignedUrl('PUT', bucket, key, 60, query).catch(wrap('write')))
      }
      return {
        partSize,
        parts,
        part,
        async complete(etags) {
          if (etags.length !== parts)
            throw new CoreError('SERVICE_UNAVAILABLE', `${etags.length} of ${parts} parts stored`)
          const list = etags.map((etag, i) => ({ part: i + 1, etag }))
          await client.completeMultipartUpload(bucket, key, uploadId, list).catch(wrap('write'))
        },
      }
    },
    async remove(key) {
      const client = init.client()
      await client.removeObject(bucket, key, forceDelete(client, key) ? { forceDelete: true } : {}).catch(() => {})
      await client.removeIncompleteUpload(bucket, key).catch(() => {})
    },
    async *list(prefix) {
      for await (const item of init.client().listObjectsV2(bucket, prefix, true)) {
        if ((item as { name?: string }).name) yield (item as { name: string }).name
      }
    },
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])

/** Keys Tack makes for objects (`uploads/<uuid>`): no other key has one of them as its prefix. */
const OWN_KEY = /^uploads\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * Whether a removal asks the bundled MinIO to free the bytes at once (minio-js's documented `forceDelete`
 * remove option, MinIO's `x-minio-force-delete`). A plain delete moves the object into MinIO's trash, freed
 * minutes later, so each byte that moved to Kubo was on disk twice meanwhile (one copy, files/placement.ts;
 * measured: 3 MiB stayed in .minio.sys/tmp/.trash for over 2 minutes). MinIO applies the option to the
 * key as a prefix: only keys of Tack's own shape, which are never another key's prefix, get it; and only on
 * the loopback store (the bundled MinIO), never an external S3 endpoint.
 */
function forceDelete(client: Client, key: string): boolean {
  return OWN_KEY.test(key) && plainLoopback(client)
}

function plainLoopback(client: Client): boolean {
  const host = (client as unknown as { host?: string }).host ?? ''
  const protocol = (client as unknown as { protocol?: string }).protocol
  return protocol === 'http:' && LOOPBACK.has(host)
}

/** The client, switched to UNSIGNED-PAYLOAD where that is allowed (see ObjectStoreInit). */
function unsigned(client: Client, wanted: boolean | undefined): Client {
  if (wanted ?? plainLoopback(client)) client.enableSHA256 = false
  return client
}

/** One PUT whose body is streamed as it is written, with backpressure from MinIO's socket. */
function createStreamWriter(client: Client, bucket: string, key: string, size: number): ObjectWriter {
  const body = new PassThrough({ highWaterMark: 1024 * 1024 })
  let total = 0
  let failed: unknown
  let response: Promise<IncomingMessage | undefined> | undefined
  const fail = (err: unknown) => {
    failed ??= new CoreError('SERVICE_UNAVAILABLE', `object store write failed: ${(err as Error).message}`, {
      cause: err,
    })
    body.destroy(failed as Error)
    return undefined
  }
  const start = () =>
    (response ??= client
      .makeRequestStreamAsync(
        { method: 'PUT', bucketName: bucket, objectName: key, headers: { 'content-length': String(size) } },
        body,
        '',
        [200],
        client.region ?? '',
      )
      .catch(fail))

  return {
    async write(chunk) {
      if (failed) throw failed
      total += chunk.length
      if (total > size) {
        fail(new Error(`more than the ${size} bytes announced`))
        throw failed
      }
      void start()
      if (!body.write(chunk)) await once(body, 'drain').catch(() => {})
      if (failed) throw failed
    },
    async finish() {
      if (failed) throw failed
      if (total !== size) {
        fail(new Error(`${total} bytes written, ${size} announced`))
        throw failed
      }
      void start()
      body.end()
      const res = await response
      if (failed || !res) throw failed
      res.resume()
      await once(res, 'end')
      return total
    },
    async abort() {
      if (!failed) fail(new Error('aborted'))
      await response
      await client.removeObject(bucket, key).catch(() => {})
    },
  }
}

function createWriter(client: Client, bucket: string, key: string): ObjectWriter {
  let chunks: Uint8Array[] = []
  let buffered = 0
  let total = 0
  let uploadId: Promise<string> | undefined
  const inFlight = new Set<Promise<void>>()
  let failed: unknown
  const etags: Array<{ part: number; etag: string }> = []
  const partSize = () => (etags.length >= LARGE_PART_FROM ? LARGE_PART_SIZE : PART_SIZE)

  const sendPart = async (payload: Buffer) => {
    uploadId ??= client.initiateNewMultipartUpload(bucket, key, {})
    const part = etags.length + 1
    etags.push({ part, etag: '' })
    const res = await client.uploadPart(
      { bucketName: bucket, objectName: key, uploadID: await uploadId, partNumber: part, headers: {} },
      payload,
    )
    etags[part - 1] = { part, etag: res.etag }
  }
  const launch = (payload: Buffer) => {
    const sent: Promise<void> = sendPart(payload)
      .catch((err: unknown) => {
        failed ??= new CoreError('SERVICE_UNAVAILABLE', `object store write failed: ${(err as Error).message}`)
      })
      .finally(() => inFlight.delete(sent))
    inFlight.add(sent)
  }
  const take = () => {
    const payload = Buffer.concat(chunks, buffered)
    chunks = []
    buffered = 0
    return payload
  }
  const settle = () => Promise.all(inFlight)

  return {
    async write(chunk) {
      if (failed) throw failed
      chunks.push(chunk)
      buffered += chunk.length
      total += chunk.length
      if (buffered < partSize()) return
      // Backpressure: the caller waits only while every slot is busy.
      while (inFlight.size >= PARTS_IN_FLIGHT) await Promise.race(inFlight)
      if (failed) throw failed
      launch(take())
    },
    async finish() {
      await settle()
      if (failed) throw failed
      try {
        if (!uploadId) {
          await client.putObject(bucket, key, take(), total)
        } else {
          if (buffered > 0) await sendPart(take())
          await client.completeMultipartUpload(bucket, key, await uploadId, etags)
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
      await settle()
      const id = await uploadId?.catch(() => undefined)
      if (id) await client.abortMultipartUpload(bucket, key, id).catch(() => {})
      await client.removeObject(bucket, key).catch(() => {})
    },
  }
}
