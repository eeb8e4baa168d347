import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { acceptDroppedPaths, confirmMessage, isWellFormedDroppedPath, MAX_DROPPED_ITEMS } from './dropped-paths.js'
import { ARGUMENT_SCHEMAS } from './ipc.js'

const dir = mkdtempSync(join(tmpdir(), 'tack-drop-'))
const file = join(dir, 'photo.jpg')
writeFileSync(file, 'x')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('paths the renderer says were dropped', () => {
  it('accepts only paths of the shape getPathForFile gives', () => {
    expect(isWellFormedDroppedPath(file)).toBe(true)
    expect(isWellFormedDroppedPath(dir + '/')).toBe(true)
    for (const made of [
      'relative/a.txt',
      '~/.ssh/id_ed25519',
      `${dir}/../../etc/passwd`,
      `${dir}/./photo.jpg`,
      `${dir}//photo.jpg`,
      `${file}\0.txt`,
      '',
      '/' + 'a'.repeat(5000),
    ])
      expect(isWellFormedDroppedPath(made), made).toBe(false)
  })

  it('the IPC schema refuses made-up lists before any handler runs', () => {
    const schema = ARGUMENT_SCHEMAS['tack:dropped-paths']
    expect(schema.safeParse([[file]]).success).toBe(true)
    expect(schema.safeParse([[`${dir}/../x`]]).success).toBe(false)
    expect(schema.safeParse([[]]).success).toBe(false)
    // A renderer listing a home folder's worth of paths: far more than one hand drops.
    expect(schema.safeParse([Array.from({ length: MAX_DROPPED_ITEMS + 1 }, (_, i) => `/tmp/f${i}`)]).success).toBe(
      false,
    )
    expect(schema.safeParse(['/etc/passwd']).success).toBe(false)
  })

  it('uploads nothing the user did not confirm in main’s own dialog', async () => {
    const confirm = vi.fn(async () => false)
    await expect(acceptDroppedPaths([file], { stat, confirm })).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(confirm).toHaveBeenCalledWith([file], 1)
  })

  it('asks once per drop, naming what will be uploaded, and passes confirmed paths on', async () => {
    const confirm = vi.fn(async () => true)
    expect(await acceptDroppedPaths([file, dir, file], { stat, confirm })).toEqual([file, dir])
    expect(confirm).toHaveBeenCalledTimes(1)
    expect(confirmMessage(['a', 'b'], 2).message).toBe('Add these 2 items to IPFS?')
    expect(
      confirmMessage(
        Array.from({ length: 10 }, (_, i) => `f${i}`),
        10,
      ).detail,
    ).toContain('… and 2 more')
  })

  it('refuses paths that do not exist or are not files or folders, without asking', async () => {
    const confirm = vi.fn(async () => true)
    await expect(acceptDroppedPaths([join(dir, 'nope')], { stat, confirm })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    if (process.platform !== 'win32')
      await expect(acceptDroppedPaths(['/dev/null'], { stat, confirm })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(acceptDroppedPaths(['relative'], { stat, confirm })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' })
    expect(confirm).not.toHaveBeenCalled()
  })
})
