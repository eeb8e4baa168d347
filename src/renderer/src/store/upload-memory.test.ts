import { describe, expect, it } from 'vitest'
import { MEMORY_KEY, notTheSame, readMemory, toMemory, writeMemory } from './upload-memory'
import type { PickedFile, Upload } from './uploads'

const upload = (state: Upload['state'], label: string, extra: Partial<Upload> = {}): Upload => ({
  id: 1,
  label,
  fileCount: 1,
  size: 100,
  total: 100,
  loaded: 40,
  speed: 0,
  state,
  ...extra,
})

function memoryStorage(initial?: string) {
  const map = new Map<string, string>(initial === undefined ? [] : [[MEMORY_KEY, initial]])
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  }
}

const picked = (path: string, bytes: number, lastModified = 1000): PickedFile => ({
  file: new File([new Uint8Array(bytes)], path.split('/').pop()!, { lastModified }),
  path,
})

describe('upload memory', () => {
  it('remembers what a reload would cut off (queued, sending, still interrupted), with what was sent', () => {
    const items = [
      upload('uploading', 'a.bin', { lastModified: 5, private: true }),
      upload('queued', 'b.bin', { loaded: 0 }),
      upload('done', 'c.bin'),
      upload('failed', 'd.bin'),
      upload('cancelled', 'e.bin'),
      upload('interrupted', 'site/', { fileCount: 3 }),
    ]
    expect(toMemory(items)).toEqual([
      { label: 'a.bin', fileCount: 1, size: 100, lastModified: 5, sent: 40, private: true },
      { label: 'b.bin', fileCount: 1, size: 100, sent: 0 },
      { label: 'site/', fileCount: 3, size: 100, sent: 40 },
    ])
  })

  it('reads back what it wrote, forgets an empty list, and ignores what it cannot read', () => {
    const storage = memoryStorage()
    const list = toMemory([upload('uploading', 'a.bin', { lastModified: 5 })])
    writeMemory(storage, list)
    expect(readMemory(storage)).toEqual(list)
    writeMemory(storage, [])
    expect(storage.map.has(MEMORY_KEY)).toBe(false)
    for (const junk of ['not json', '{"a":1}', '[{"label":"x"}]', '[null, {"label":"", "fileCount":1}]'])
      expect(readMemory(memoryStorage(junk))).toEqual([])
    expect(readMemory(memoryStorage('[{"label":"ok","fileCount":1,"size":2,"sent":1},{"label":5}]'))).toEqual([
      { label: 'ok', fileCount: 1, size: 2, sent: 1 },
    ])
    const full = {
      ...storage,
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
    }
    expect(() => writeMemory(full, list)).not.toThrow()
  })

  it('knows the same file by name, size and last change, and a folder by name, count and size', () => {
    const file = { label: 'a.bin', fileCount: 1, size: 10, lastModified: 1000 }
    expect(notTheSame(file, [picked('a.bin', 10)])).toBeUndefined()
    expect(notTheSame(file, [picked('b.bin', 10)])).toMatch(/not “a.bin”/)
    expect(notTheSame(file, [picked('a.bin', 11)])).toMatch(/changed/)
    expect(notTheSame(file, [picked('a.bin', 10, 2000)])).toMatch(/changed/)
    expect(notTheSame(file, [picked('a.bin', 10), picked('c.bin', 1)])).toMatch(/one file/)
    const dir = { label: 'site/', fileCount: 2, size: 15 }
    expect(notTheSame(dir, [picked('site/a', 10), picked('site/b/c', 5)])).toBeUndefined()
    expect(notTheSame(dir, [picked('other/a', 10), picked('other/c', 5)])).toMatch(/folder “site”/)
    expect(notTheSame(dir, [picked('site/a', 10)])).toMatch(/changed/)
  })
})
