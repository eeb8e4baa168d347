// A POST whose body is streamed with backpressure. Node's fetch pulls an async-iterable body far ahead of
// the socket, so adding a 1 GiB upload to Kubo held about that much in memory; node:http with pipeline()
// only reads the source as fast as Kubo takes it. The answer is handed back as a fetch Response.
import { request } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream } from 'node:stream/web'

export function streamPost(
  url: URL,
  body: AsyncIterable<Uint8Array>,
  init: { headers?: Record<string, string>; signal?: AbortSignal; socketPath?: string } = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const options = { method: 'POST', headers: init.headers, signal: init.signal, socketPath: init.socketPath }
    const req = request(url, options, (res) => {
      const headers = new Headers()
      for (const [name, value] of Object.entries(res.headers))
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
      const stream = Readable.toWeb(res) as ReadableStream<Uint8Array>
      resolve(new Response(stream as unknown as ConstructorParameters<typeof Response>[0], { status: res.statusCode ?? 500, headers }))
    })
    req.on('error', reject)
    // A source that fails (the object store went away) aborts the request, and with it the answer's stream.
    pipeline(Readable.from(body), req).catch((err: unknown) => {
      req.destroy(err as Error)
      reject(err)
    })
  })
}
