import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { BACKUP_FILE_MODE, backupFileName, createBackupSaver } from './backup.js'
import { IpcHandlerError } from './ipc-error.js'

const dir = mkdtempSync(join(tmpdir(), 'tack-backup-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const conn = { apiUrl: 'http://127.0.0.1:9', token: 'tks_local' }

/** A body that arrives in pieces, as the core streams it; `fail` errors the stream after the pieces. */
function streamed(pieces: string[], fail = false): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of pieces) controller.enqueue(new TextEncoder().encode(p))
      if (fail) controller.error(new Error('the core went away'))
      else controller.close()
    },
  })
}

const codeOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(IpcHandlerError)
  return (err as IpcHandlerError).code
}

describe('saving a backup from the desktop app', () => {
  it('streams GET /api/export with the local token into the chosen file, mode 0600 even over a 0644 file', async () => {
    const path = join(dir, 'replace-me.tar')
    writeFileSync(path, 'old', { mode: 0o644 })
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response(streamed(['tar ', 'bytes'])))
    const choosePath = vi.fn(async () => path)
    const save = createBackupSaver({
      fetch: fetch as unknown as typeof globalThis.fetch,
      connection: () => conn,
      choosePath,
      now: () => new Date('2026-01-02T03:04:05.678Z'),
    })
    expect(await save()).toEqual({ path, bytes: 9 })
    expect(choosePath).toHaveBeenCalledWith('tack-backup-2026-01-02T03-04-05-678Z.tar')
    expect(fetch.mock.calls[0]![0]).toBe('http://127.0.0.1:9/api/export')
    expect(fetch.mock.calls[0]![1].headers).toEqual({ authorization: 'Bearer tks_local' })
    expect(readFileSync(path, 'utf8')).toBe('tar bytes')
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(BACKUP_FILE_MODE)
    expect(readdirSync(dir).filter((n) => n.includes('partial'))).toEqual([])
  })

  it('asks nothing of the core when the user cancels, or when it is not running', async () => {
    const fetch = vi.fn()
    const cancelled = createBackupSaver({
      fetch: fetch as unknown as typeof globalThis.fetch,
      connection: () => conn,
      choosePath: async () => undefined,
    })
    expect(await codeOf(cancelled())).toBe('CANCELLED')
    const stopped = createBackupSaver({
      fetch: fetch as unknown as typeof globalThis.fetch,
      connection: () => undefined,
      choosePath: async () => join(dir, 'never.tar'),
    })
    expect(await codeOf(stopped())).toBe('NOT_READY')
    expect(fetch).not.toHaveBeenCalled()
  })

  it('says why the core refused, and writes nothing', async () => {
    const path = join(dir, 'refused.tar')
    const save = createBackupSaver({
      fetch: (async () =>
        Response.json(
          { error: { reason: 'FORBIDDEN', details: 'this key lacks the "admin" scope' } },
          { status: 403 },
        )) as unknown as typeof globalThis.fetch,
      connection: () => conn,
      choosePath: async () => path,
    })
    const err = await save().catch((e: unknown) => e as IpcHandlerError)
    expect(err).toMatchObject({ code: 'FAILED', message: expect.stringContaining('lacks the "admin" scope') })
    expect(readdirSync(dir).filter((n) => n.startsWith('refused') || n.includes('partial'))).toEqual([])
  })

  it('leaves the old file as it was and no partial file when the stream breaks halfway', async () => {
    const path = join(dir, 'keep.tar')
    writeFileSync(path, 'the previous backup')
    const save = createBackupSaver({
      fetch: (async () => new Response(streamed(['half an archive'], true))) as unknown as typeof globalThis.fetch,
      connection: () => conn,
      choosePath: async () => path,
    })
    expect(await codeOf(save())).toBe('FAILED')
    expect(readFileSync(path, 'utf8')).toBe('the previous backup')
    expect(readdirSync(dir).filter((n) => n.includes('partial'))).toEqual([])
  })

  it('names the file as the core names its download', () => {
    expect(backupFileName(new Date('2026-12-07T23:05:21.752Z'))).toBe('tack-backup-2026-12-07T23-05-21-752Z.tar')
  })
})
