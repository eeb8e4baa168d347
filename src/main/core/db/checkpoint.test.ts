// The serving process's timed checkpoint: commits reach the database file itself (not only the WAL) within
// a tick, SQLite's automatic checkpoint is off meanwhile and back after stop(). Real SQLite files in a temp dir.
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../../tests/fixtures/tmp.js'
import { checkpointEvery, openDb, type Db } from './index.js'

/** The rows the database file holds on its own, as a copy without its WAL would read them. */
function rowsInMainFile(dir: string, file: string): number {
  const copy = join(dir, 'main-only.db')
  copyFileSync(file, copy)
  const db = openDb(copy, [])
  try {
    return db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM t').get()?.n ?? 0
  } catch {
    return 0 // the table itself is still only in the WAL
  } finally {
    db.close()
  }
}

describe('checkpointEvery', () => {
  const dir = tempDir('tack-checkpoint-')
  let db: Db | undefined
  afterEach(() => {
    db?.close()
    dir.remove()
  })

  it('moves commits into the database file on its timer, and restores the automatic checkpoint on stop', async () => {
    const file = join(dir.path, 'x.db')
    db = openDb(file, [])
    const stop = checkpointEvery(db, 100)
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    db.exec('CREATE TABLE t (v INTEGER)')
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
    for (let i = 0; i < 50; i++) insert.run(i)
    // Without a checkpoint the main file has none of it (the automatic one is off and 50 commits are far
    // below its 1000 pages anyway).
    expect(rowsInMainFile(dir.path, file)).toBe(0)
    // Within a few ticks (a loaded machine delays timers): polled, up to 3 s.
    const until = Date.now() + 3000
    while (rowsInMainFile(dir.path, file) < 50 && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
    expect(rowsInMainFile(dir.path, file)).toBe(50)
    await stop()
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
  })

  it('checkpoints on a thread of its own: commits reach the file while this thread never yields', async () => {
    const file = join(dir.path, 'y.db')
    db = openDb(file, [])
    db.exec('CREATE TABLE t (v INTEGER)')
    const stop = checkpointEvery(db, 100)
    await new Promise((r) => setTimeout(r, 500)) // the worker opens its connection
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
    for (let i = 0; i < 50; i++) insert.run(i)
    // No await from here: a timer on this thread could not run, so whatever moves the rows runs elsewhere.
    const until = Date.now() + 5000
    while (rowsInMainFile(dir.path, file) < 50 && Date.now() < until) {
      /* busy */
    }
    expect(rowsInMainFile(dir.path, file)).toBe(50)
    await stop()
  })
})
