// `ipfs add` over RPC with a streamed multipart body: files (and the folders above them) go to Kubo
// without ever being held in memory, so a multi-GiB upload can be pinned from the object store.
import { randomBytes } from 'node:crypto'
import type { CallInit } from './client.js'

export interface AddEntry {
  /** '/'-separated; a folder must come before anything inside it. */
  path: string
  /** Absent for a folder. */
  content?: AsyncIterable<Uint8Array>
}

export interface AddOptions {
  wrapWithDirectory?: boolean
  signal?: AbortSignal
}

export interface AddedEntry {
  Name: string
  Hash: string
  Size?: string
}

/** The arguments that make Kubo's CIDs those of `ipfs add --cid-version=1` whatever its Import config says. */
export const ADD_ARGS = {
  'cid-version': '1',
  'raw-leaves': 'true',
  chunker: 'size-262144',
  hash: 'sha2-256',
  trickle: 'false',
  pin: 'false',
  progress: 'false',
}

export function multipartBody(entries: AsyncIterable<AddEntry>): {
  body: AsyncIterable<Uint8Array>
  contentType: string
} {
  const boundary = 'tack-' + randomBytes(12).toString('hex')
  const enc = new TextEncoder()
  async function* body() {
    for await (const entry of entries) {
      const type = entry.content ? 'application/octet-stream' : 'application/x-directory'
      // Kubo reads the path from filename, URL-escaped (its own client uses url.QueryEscape).
      yield enc.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${encodeURIComponent(entry.path)}"\r\n` +
          `Content-Type: ${type}\r\n\r\n`,
      )
      if (entry.content) for await (const chunk of entry.content) yield chunk
      yield enc.encode('\r\n')
    }
    yield enc.encode(`--${boundary}--\r\n`)
  }
  return { body: body(), contentType: `multipart/form-data; boundary=${boundary}` }
}

/** The init for client.call('add', …): a streamed request body. */
export function addInit(entries: AsyncIterable<AddEntry>, signal?: AbortSignal): CallInit {
  const { body, contentType } = multipartBody(entries)
  return { body, headers: { 'content-type': contentType }, signal }
}
