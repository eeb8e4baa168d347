// The bundled MinIO that holds uploaded bytes: data in Tack's data dir, generated credentials, API on
// loopback only (console off), supervised exactly like Kubo. When the user configures an external S3
// endpoint there is no child process at all: the same ObjectStore talks to that endpoint instead.
import { mkdirSync } from 'node:fs'
import { Client } from 'minio'
import type { Config } from '../config.js'
import { CoreError } from '../errors.js'
import type { Logger } from '../log.js'
import { freePort } from '../kubo/ports.js'
import { createSupervisor, type Supervisor } from '../process/supervisor.js'
import { commandLine, portOwner } from '../process/port-owner.js'
import { loadSettings, prepareSettings, type MinioSettings } from './settings.js'
import { createObjectStore, type ObjectStore, type ObjectWriter } from './store.js'

export interface MinioInit {
  /** The MinIO binary; unused (and may be undefined) when config.s3Endpoint is set. */
  binary: () => string
  dataDir: string
  settingsFile: string
  pidFile: string
  config: Pick<Config, 's3Endpoint' | 's3AccessKey' | 's3SecretKey' | 's3Bucket'>
  log: Logger
  processLog: Logger
  /** tack-launcher, so MinIO dies with Tack (see process/supervisor.ts). */
  launcher?: string
}

export interface MinioNode {
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

const FATAL = [/Unable to use the drive/, /Invalid credentials/]

export function createMinio(init: MinioInit): MinioNode {
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
    : createSupervisor({
        name: 'minio',
        log: init.processLog,
        pidFile: init.pidFile,
        async prepare() {
          mkdirSync(init.dataDir, { recursive: true })
          const owner = `minio:${init.dataDir}`
          settings = await prepareSettings(init.settingsFile, owner)
          client = makeClient(new URL(endpoint()), settings.accessKey, settings.secretKey)
          const consolePort = await freePort(new Set([settings.apiPort]), owner)
          return {
            command: init.binary(),
            // The console is switched off (MINIO_BROWSER) and, should a build ignore that, bound to loopback.
            // --no-compat: MinIO no longer computes the MD5 of a PUT body that comes without Content-MD5 (the
            // relay's and Node's streamed uploads; small ones sent whole carry it and are still checked), which it
            // does only to return it as the ETag: 1.65 CPU-s per
            // GiB, a third of MinIO's CPU on an upload. Its ETags become random; Tack only hands part ETags back
            // to complete a multipart upload, and an upload's integrity is its CID, which Kubo recomputes from
            // the stored bytes before they are pinned (files/pinner.ts). Measured with `npm run bench --
            // --only=upload` (1 GiB, 3 rounds): 0.85x `ipfs add` without the flag, 1.32x with it. The flag also
            // lets MinIO take a body signed with the empty payload hash unchecked; that changes nothing here:
            // only Tack holds the credentials, on loopback, and its PUTs are UNSIGNED-PAYLOAD already. MinIO
            // warns at start, and keeps the flag hidden ("for performance testing"): check that it still exists
            // whenever the bundled MinIO is upgraded (every integration test starts MinIO with it).
            args: [
              'server',
              init.dataDir,
              '--address',
              `127.0.0.1:${settings.apiPort}`,
              '--console-address',
              `127.0.0.1:${consolePort}`,
              '--quiet',
              '--no-compat',
            ],
            env: {
              ...process.env,
              MINIO_ROOT_USER: settings.accessKey,
              MINIO_ROOT_PASSWORD: settings.secretKey,
              MINIO_BROWSER: 'off',
              MINIO_UPDATE: 'off',
              MINIO_CALLHOME_ENABLE: 'off',
            },
          }
        },
        probe: async (signal) => (await fetch(`${endpoint()}/minio/health/live`, { signal })).ok,
        fatal: (line) => FATAL.find((re) => re.test(line)) && line,
        portTaken: (line) => /port is already in use/.test(line),
        note: (line) =>
          /payload validation is turned off/.test(line)
            ? 'expected: Tack starts its MinIO with --no-compat, and checks uploads by their CID (src/main/core/minio/index.ts)'
            : undefined,
        launcher: init.launcher,
        evictLeftover: (signal) => evictLeftover(init.settingsFile, init.dataDir, init.log, signal),
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

/**
 * A MinIO left running on this data dir by an earlier Tack: found by the port its settings gave it (it
 * answers MinIO's health check there), and ended only when the process on that port serves this very data
 * dir. A pid file cannot be that sure; off Linux the pid file's identity check is what remains.
 */
async function evictLeftover(settingsFile: string, dataDir: string, log: Logger, signal: AbortSignal): Promise<void> {
  let port: number | undefined
  try {
    port = loadSettings(settingsFile)?.apiPort
  } catch {
    return
  }
  if (!port) return
  const alive = await fetch(`http://127.0.0.1:${port}/minio/health/live`, {
    signal: AbortSignal.any([signal, AbortSignal.timeout(500)]),
  })
    .then((r) => r.ok)
    .catch(() => false)
  const pid = alive ? portOwner(port) : undefined
  if (!pid || !commandLine(pid).split(' ').includes(dataDir)) return
  log.warn(`ending a MinIO left over on this data dir (pid ${pid}, port ${port})`)
  const gone = () => {
    try {
      process.kill(pid, 0)
      return false
    } catch {
      return true
    }
  }
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 30 && !gone() && !signal.aborted; i++) await new Promise((r) => setTimeout(r, 100))
  if (!gone()) process.kill(pid, 'SIGKILL')
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
    read: async (key, range) => {
      await ready()
      return store.read(key, range)
    },
    rawRead: async (key, range) => {
      await ready()
      return store.rawRead(key, range)
    },
    rawCapable: () => store.rawCapable(),
    rawWrite: async (key, size) => {
      await ready()
      return store.rawWrite(key, size)
    },
    remove: async (key) => {
      await ready()
      return store.remove(key)
    },
    async *list(prefix) {
      await ready()
      yield* store.list(prefix)
    },
  }
}
