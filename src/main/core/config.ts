// Configuration is read once, from flags and environment variables, validated, frozen and passed down.
// Nothing deeper in the core reads process.env: every knob Tack has is listed here with its default.
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { z } from 'zod'

const port = z.coerce.number().int().min(0).max(65535)
const bool = z
  .union([z.boolean(), z.string()])
  .transform((v) => (typeof v === 'boolean' ? v : ['1', 'true', 'yes', 'on'].includes(v.toLowerCase())))

export const ConfigSchema = z.object({
  /** Where SQLite, Kubo's repo and MinIO's data live. TACK_DATA_DIR / --data-dir. */
  dataDir: z.string().min(1),
  /** HTTP listener. TACK_HOST / --host, default loopback only. */
  host: z.string().min(1).default('127.0.0.1'),
  /** TACK_PORT / --port, default 7575. 0 picks a free port (tests). */
  port: port.default(7575),
  /** TACK_IPFS_NETWORK: `public` joins the IPFS network; `local` stays on loopback (tests). */
  ipfsNetwork: z.enum(['public', 'local']).default('public'),
  /** TACK_KUBO_BINARY, then KUBO_BINARY; otherwise resolved (see binaries.ts). */
  kuboBinary: z.string().optional(),
  /** TACK_MINIO_BINARY; otherwise resolved (see binaries.ts). */
  minioBinary: z.string().optional(),
  /** Where packaged binaries live (Electron's resources path); unset under plain Node. */
  resourcesPath: z.string().optional(),
  /**
   * better-sqlite3's native module built for Electron's ABI; set by the desktop shell only (no variable).
   * Used only when running inside Electron; plain Node always loads the package's own build. Default: unset.
   */
  sqliteBinding: z.string().optional(),
  /** TACK_PIN_CONCURRENCY: pins fetched at once, default 4. */
  pinConcurrency: z.coerce.number().int().min(1).max(64).default(4),
  /** TACK_PIN_TIMEOUT_MS: how long content that cannot be found is retried before the pin fails, default 24 h. */
  pinTimeoutMs: z.coerce
    .number()
    .int()
    .min(1000)
    .default(24 * 60 * 60 * 1000),
  /**
   * TACK_PIN_SEARCH_MS: a fetch that receives nothing for this long parks its content (no slot held) with a
   * growing back-off (30 s doubling to 30 min; a new origin, a replace or a peer connecting ends it early).
   * Default: min(60 s, pinTimeoutMs / 10).
   */
  pinSearchMs: z.coerce.number().int().min(500).optional(),
  /** TACK_LAN / --lan: serve the gateway (and nothing else) on all interfaces. */
  lan: bool.default(false),
  /** TACK_LAN_PORT, default 7576. */
  lanPort: port.default(7576),
  /** TACK_S3_ENDPOINT (e.g. https://s3.example.com): an external S3 store that replaces the bundled MinIO. */
  s3Endpoint: z.url().optional(),
  /** TACK_S3_ACCESS_KEY / TACK_S3_SECRET_KEY: credentials for s3Endpoint. */
  s3AccessKey: z.string().optional(),
  s3SecretKey: z.string().optional(),
  /** TACK_S3_BUCKET: the bucket uploads go to (made if missing), default `tack`. */
  s3Bucket: z.string().min(3).default('tack'),
  /** TACK_GATEWAY_REDIRECT: a public gateway base URL; the gateway redirects there instead of serving. */
  gatewayRedirect: z.url().optional(),
  /** TACK_DEFAULT_QUOTA: bytes for new accounts, default 1 GiB (the free tier). */
  defaultQuotaBytes: z.coerce
    .number()
    .int()
    .min(0)
    .default(1024 ** 3),
  /** TACK_REMOTE_POLL_MS: how often forwarded pins' state at remote targets is checked, default 5 s. */
  remotePollMs: z.coerce.number().int().min(50).default(5000),
  /** TACK_REMOTE_FAIL_THRESHOLD_MS: a forwarding target unreachable for longer than this makes the status degraded
   *  (`tack status` exits 1), default 5 min. A blip shorter than this is retried quietly. */
  remoteFailThresholdMs: z.coerce.number().int().min(0).default(5 * 60_000),
  /** TACK_GC_DELAY_MS: how long after the last delete Kubo's blockstore is garbage-collected (debounced), default 2 min. */
  gcDelayMs: z.coerce
    .number()
    .int()
    .min(0)
    .default(2 * 60 * 1000),
  /**
   * TACK_CAR_MAX_BLOCKS: most distinct blocks one CAR upload's DAG may have (inlined identity blocks count),
   * default 200,000 (about 21 MB of index while it is checked; a 1 GiB file in 256 KiB chunks is ~4,100).
   */
  carMaxBlocks: z.coerce.number().int().min(1).default(200_000),
  /** TACK_CAR_MAX_LINKS: most links in one CAR upload's DAG, default 1,000,000 (4 bytes each while checked). */
  carMaxLinks: z.coerce.number().int().min(1).default(1_000_000),
  /** TACK_CAR_MAX_DEPTH: most levels below a CAR upload's root, default 1024. */
  carMaxDepth: z.coerce.number().int().min(1).default(1024),
  /**
   * TACK_GC_GATE_TIMEOUT_MS: the deadline of every Kubo call made while holding the GC gate (an upload's
   * add+pin or a CAR's import+pin, and the GC run itself), default 5 min. A job past it fails (and is retried
   * on the next access), so nothing can hold back the GC and the jobs queued behind it for longer.
   */
  gcGateTimeoutMs: z.coerce
    .number()
    .int()
    .min(100)
    .default(5 * 60 * 1000),
  /**
   * TACK_ACCESS_PIN_JOBS: how many on-demand pins (asked for by an upload's first read through the gateway)
   * run at once, default 1; the others wait their turn (files/pinner.ts says what one at a time bought).
   */
  accessPinJobs: z.coerce.number().int().min(1).max(64).default(1),
  /** TACK_LOG_LEVEL: debug | info | warn | error. */
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),

  // Limits on what one key, account or peer may make Tack hold (issue 25). Each refusal is a PSA Failure whose
  // details name the variable that sets the limit.
  /** TACK_MAX_PENDING_PINS: pin objects one account may have queued or pinning at once, default 1000. */
  maxPendingPins: z.coerce.number().int().min(1).default(1000),
  /** TACK_PIN_META_BYTES: a pin's `meta` as JSON, at most this many bytes, default 4 KiB (the PSA spec leaves
   *  it open; a pin's name is the spec's 255 characters). */
  pinMetaBytes: z.coerce.number().int().min(2).max(64 * 1024).default(4096),
  /** TACK_MAX_UPLOADS_PER_KEY: uploads one key (or browser session) may have in flight at once, default 8. */
  maxUploadsPerKey: z.coerce.number().int().min(1).default(8),
  /** TACK_MAX_IMPORT_BYTES: the largest backup archive a restore from the UI (POST /api/import) takes, default
   *  1 TiB; it is spooled in the data dir while it is checked, so this bounds that disk use too. */
  maxImportBytes: z.coerce.number().int().min(1).default(2 ** 40),
  /** TACK_MAX_PATH_DEPTH: folders nested in a folder upload's paths, at most, default 100. */
  maxPathDepth: z.coerce.number().int().min(1).max(1000).default(100),
  /** TACK_HEADERS_TIMEOUT_MS: a request's headers must arrive within this, default 10 s (both listeners). */
  headersTimeoutMs: z.coerce.number().int().min(100).default(10_000),
  /** TACK_IDLE_SOCKET_MS: a connection with no request in flight that sends nothing for this long is closed,
   *  default 30 s (both listeners; an upload or a stream in progress is not idle). */
  idleSocketMs: z.coerce.number().int().min(100).default(30_000),
  /** TACK_MAX_CONNECTIONS: open connections the API listener accepts, default 2000. */
  maxConnections: z.coerce.number().int().min(1).default(2000),
  /** TACK_LAN_MAX_CONNECTIONS: open connections the LAN listener accepts, default 256; its own cap, so LAN
   *  peers can never use up what the loopback API needs. */
  lanMaxConnections: z.coerce.number().int().min(1).default(256),
})

export type Config = Readonly<z.infer<typeof ConfigSchema>>
export type ConfigInput = z.input<typeof ConfigSchema>

/** The OS app-data dir: ~/.local/share/tack on Linux (XDG_DATA_HOME honoured), the usual places elsewhere. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'tack')
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'tack')
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'tack')
}

/** Flags win over variables, variables over defaults. */
export function configFromEnv(env: NodeJS.ProcessEnv, flags: Partial<ConfigInput> = {}): ConfigInput {
  const fromEnv: Partial<ConfigInput> = {
    dataDir: env.TACK_DATA_DIR,
    host: env.TACK_HOST,
    port: env.TACK_PORT,
    ipfsNetwork: env.TACK_IPFS_NETWORK as ConfigInput['ipfsNetwork'],
    kuboBinary: env.TACK_KUBO_BINARY || env.KUBO_BINARY,
    minioBinary: env.TACK_MINIO_BINARY,
    pinConcurrency: env.TACK_PIN_CONCURRENCY,
    pinTimeoutMs: env.TACK_PIN_TIMEOUT_MS,
    pinSearchMs: env.TACK_PIN_SEARCH_MS,
    lan: env.TACK_LAN,
    lanPort: env.TACK_LAN_PORT,
    s3Endpoint: env.TACK_S3_ENDPOINT,
    s3AccessKey: env.TACK_S3_ACCESS_KEY,
    s3SecretKey: env.TACK_S3_SECRET_KEY,
    s3Bucket: env.TACK_S3_BUCKET,
    gatewayRedirect: env.TACK_GATEWAY_REDIRECT,
    defaultQuotaBytes: env.TACK_DEFAULT_QUOTA,
    remotePollMs: env.TACK_REMOTE_POLL_MS,
    remoteFailThresholdMs: env.TACK_REMOTE_FAIL_THRESHOLD_MS,
    gcDelayMs: env.TACK_GC_DELAY_MS,
    carMaxBlocks: env.TACK_CAR_MAX_BLOCKS,
    carMaxLinks: env.TACK_CAR_MAX_LINKS,
    carMaxDepth: env.TACK_CAR_MAX_DEPTH,
    gcGateTimeoutMs: env.TACK_GC_GATE_TIMEOUT_MS,
    accessPinJobs: env.TACK_ACCESS_PIN_JOBS,
    logLevel: env.TACK_LOG_LEVEL as ConfigInput['logLevel'],
    maxPendingPins: env.TACK_MAX_PENDING_PINS,
    pinMetaBytes: env.TACK_PIN_META_BYTES,
    maxUploadsPerKey: env.TACK_MAX_UPLOADS_PER_KEY,
    maxImportBytes: env.TACK_MAX_IMPORT_BYTES,
    maxPathDepth: env.TACK_MAX_PATH_DEPTH,
    headersTimeoutMs: env.TACK_HEADERS_TIMEOUT_MS,
    idleSocketMs: env.TACK_IDLE_SOCKET_MS,
    maxConnections: env.TACK_MAX_CONNECTIONS,
    lanMaxConnections: env.TACK_LAN_MAX_CONNECTIONS,
  }
  const merged: Record<string, unknown> = {}
  for (const source of [fromEnv, flags]) {
    for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== '') merged[k] = v
  }
  merged.dataDir ??= defaultDataDir(env)
  return merged as ConfigInput
}

export function parseConfig(input: ConfigInput): Config {
  const parsed = ConfigSchema.safeParse(input)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw new Error(`invalid configuration: ${first?.path.join('.')}: ${first?.message}`)
  }
  return Object.freeze({ ...parsed.data, dataDir: resolve(parsed.data.dataDir) })
}
