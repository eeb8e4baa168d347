// The object store that holds uploaded bytes: the bundled MinIO (minio.ts, supervised like Kubo) or, when the
// user configures an external S3 endpoint, that endpoint with no child process at all. Either way Tack
// reaches it only through its S3 API (store.ts).
import { Client } from 'minio'
import type { Config } from '../config.js'
import { CoreError } from '../errors.js'
import type { Supervisor } from '../process/supervisor.js'
import { createMinioSupervisor, type MinioInit } from './minio.js'
import type { MinioSettings } from './minio-settings.js'
import { createObjectStore, type ObjectStore, type ObjectWriter } from './store.js'

export interface ObjectStorageInit extends MinioInit {
  /** The MinIO binary; unused (and may be undefined) when config.s3Endpoint is set. */
  binary: () => string
  config: Pick<Config, 's3Endpoint' | 's3AccessKey' | 's3SecretKey' | 's3Bucket'>
}

export interface ObjectStorage {
  /** Undefined when an external S3 endpoint is used. */
  readonly supervisor: Supervisor | undefined
  /** The object store. Its calls wait until start() has made MinIO ready (and fail if that fails), so the
   *  core may serve its API while MinIO is still starting. */
  readonly store: ObjectStore
  endpoint(): string
  start(): Promise<void>
  /** Calls waiting for a start still under way fail now (a stop is coming); a ready store is untouched. */
  stopWaiting(): void
  stop(): Promise<void>
}

export function createObjectStorage(init: ObjectStorageInit): ObjectStorage {
  let settings: MinioSettings | undefined
  let client: Client | undefined
  const external = init.config.s3Endpoint ? new URL(init.config.s3Endpoint) : undefined
  const endpoint = () => (external ? external.origin : `http://127.0.0.1:${settings?.apiPort}`)
  // MinIO's own start is 0.5 to 1.3 s on a busy 2-core machine, longer than Kubo's: `tack serve` answers
  // its API without it (measured API-ready 1.1 to 1.8 s with MinIO on the critical path), and the first
  // upload or store read of a session waits for it here instead.
  let ready = settleable()
  const store = gatedStore(
    createObjectStore({
      client: () => {
        if (!client) throw new Error('minio has not started')
        return client
      },
      bucket: init.config.s3Bucket,
    }),
    () => ready.promise,
  )

  const makeClient = (url: URL, accessKey: string, secretKey: string) =>
    new Client({
      endPoint: url.hostname,
      port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
      useSSL: url.protocol === 'https:',
      accessKey,
      secretKey,
      // A path-style bucket works with MinIO and every S3 clone; region fixed so no lookup round trip.
      pathStyle: true,
      region: 'us-east-1',
    })

  const supervisor = external
    ? undefined
    : createMinioSupervisor(init, (prepared) => {
        settings = prepared
        client = makeClient(new URL(endpoint()), prepared.accessKey, prepared.secretKey)
        return endpoint()
      })

  return {
    supervisor,
    store,
    endpoint,
    async start() {
      if (ready.settled) ready = settleable()
      try {
        if (external) {
          if (!init.config.s3AccessKey || !init.config.s3SecretKey)
            throw new CoreError(
              'SERVICE_UNAVAILABLE',
              'TACK_S3_ENDPOINT needs TACK_S3_ACCESS_KEY and TACK_S3_SECRET_KEY',
            )
          client = makeClient(external, init.config.s3AccessKey, init.config.s3SecretKey)
        } else {
          await supervisor!.start()
        }
        await store.ensureBucket()
      } catch (err) {
        ready.reject(err)
        throw err
      }
      ready.resolve()
      init.log.info('ready', { endpoint: endpoint(), bucket: init.config.s3Bucket, external: Boolean(external) })
    },
    stopWaiting: () => ready.reject(new CoreError('SERVICE_UNAVAILABLE', 'Tack is stopping')),
    stop: async () => {
      ready.reject(new CoreError('SERVICE_UNAVAILABLE', 'Tack is stopping'))
      await supervisor?.stop()
    },
  }
}

/** A promise settled from outside, once; a rejection nobody awaits is not an unhandled one. */
function settleable() {
  let resolve!: () => void
  let reject!: (err: unknown) => void
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)))
  promise.catch(() => {})
  const state = {
    promise,
    settled: false,
    resolve: () => {
      state.settled = true
      resolve()
    },
    reject: (err: unknown) => {
      if (state.settled) return
      state.settled = true
      reject(err)
    },
  }
  return state
}

/** The store whose every call first waits for `ready` (ensureBucket excepted: start() itself calls it). */
function gatedStore(store: ObjectStore, ready: () => Promise<void>): ObjectStore {
  const gated =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await ready()
      return call(...args)
    }
  return {
    ensureBucket: () => store.ensureBucket(),
    writer(key, size) {
      // The real writer (streamed PUT or multipart, chosen by the client's settings) is made once ready.
      let real: Promise<ObjectWriter> | undefined
      const get = () => (real ??= ready().then(() => store.writer(key, size)))
      return {
        write: async (chunk) => (await get()).write(chunk),
        finish: async () => (await get()).finish(),
        abort: async () => {
          const writer = await real?.catch(() => undefined)
          await writer?.abort()
        },
      }
    },
    read: gated(store.read),
    presignedRead: gated(store.presignedRead),
    presignable: () => store.presignable(),
    presignedWrite: gated(store.presignedWrite),
    remove: gated(store.remove),
    async *list(prefix) {
      await ready()
      yield* store.list(prefix)
    },
  }
}
