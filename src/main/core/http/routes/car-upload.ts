// The CAR branch of `PUT /api/files` (`?format=car` or `Content-Type: application/vnd.ipld.car`) and the
// multipart `private` field, kept apart from files.ts so that route stays an adapter.
import { CAR_CONTENT_TYPE, type CarUploads } from '../../files/car/index.js'
import { CoreError } from '../../errors.js'
import type { FileRow } from '../../files/index.js'

export function isCarUpload(format: string | undefined, contentType: string | undefined): boolean {
  return format === 'car' || (contentType ?? '').split(';')[0]!.trim().toLowerCase() === CAR_CONTENT_TYPE
}

/** A multipart field's truthiness, as the `private` query flag reads it. */
export const isTrue = (value: unknown) => value === 'true' || value === '1'

export function carUpload(
  cars: CarUploads,
  accountId: number,
  body: AsyncIterable<Uint8Array>,
  options: { name: string; private: boolean; declared?: number },
): Promise<FileRow> {
  // A CAR's DAG is served from Kubo (byte-identical to Kubo serving the same CAR), which a private file never enters.
  if (options.private)
    throw new CoreError('BAD_REQUEST', 'a CAR upload cannot be private; upload the file itself with private=true')
  return cars.upload(accountId, body, { name: options.name, declaredBytes: options.declared })
}
