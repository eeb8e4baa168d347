// Group commit on a real SQLite file, watched from a second connection (as the CLI would read it): writes of
// one turn are invisible to others until their shared commit, every caller resumes only after it, and a
// write that throws takes back only its own changes.
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../../tests/fixtures/tmp.js'
import { createGroupCommit } from './group-commit.js'
import { openDb, type Db } from './index.js'

const require = createRequire(import.meta.url)

describe('createGroupCommit', () => {
  const dir = tempDir('tack-group-commit-')
  const open: Db[] = []
  afterEach(() => {
    for (const db of open.splice(0)) db.close()
    dir.remove()
  })
  const setup = () => {
    const file = join(dir.path, 'x.db')
    const db = openDb(file, [])
    db.exec('CREATE TABLE t (v INTEGER UNIQUE)')
    const reader = openDb(file, [])
    open.push(db, reader)
    const committed = () => reader.prepare<[], { v: number }>('SELECT v FROM t ORDER BY v').all().map((r) => r.v)
    return { db, committed, insert: (v: number) => db.prepare('INSERT INTO t (v) VALUES (?)').run(v) }
  }

  it('commits the writes of one turn together, before any caller resumes', async () => {
    const { db, committed, insert } = setup()
    const group = createGroupCommit(db)
    const seenByOthers: number[][] = []
    const writes = [1, 2, 3].map((v) =>
      group.run(() => {
        insert(v)
        seenByOthers.push(committed())
        return v * 10
      }),
    )
    const resumed: number[][] = []
    const results = await Promise.all(writes.map((w) => w.then((r) => (resumed.push(committed()), r))))
    expect(results).toEqual([10, 20, 30])
    // While the third write ran, the first two were still uncommitted: one transaction for all three.
    expect(seenByOthers).toEqual([[], [], []])
    expect(resumed).toEqual([[1, 2, 3], [1, 2, 3], [1, 2, 3]])
  })

  it('rolls back and rejects only the write that throws', async () => {
    const { db, committed, insert } = setup()
    const group = createGroupCommit(db)
    const outcomes = await Promise.allSettled([
      group.run(() => insert(1)),
      group.run(() => {
        insert(2)
        insert(1) // UNIQUE: this write fails after inserting 2, which must go too
      }),
      group.run(() => insert(3)),
    ])
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/)
    expect(committed()).toEqual([1, 3])
  })

  it('a one-statement write that fails is undone by SQLite alone, without touching the others', async () => {
    const { db, committed, insert } = setup()
    const group = createGroupCommit(db)
    const outcomes = await Promise.allSettled([
      group.run(() => insert(1), { oneStatement: true }),
      group.run(() => insert(1), { oneStatement: true }),
      group.run(() => db.prepare('INSERT INTO t (v) VALUES (2), (3), (1)').run(), { oneStatement: true }),
      group.run(() => insert(4), { oneStatement: true }),
    ])
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled'])
    // The three-row statement failed on its last row: its first two rows went with it.
    expect(committed()).toEqual([1, 4])
  })

  it('waits for another connection that holds the write lock (as the CLI does) instead of failing', async () => {
    const { db, committed, insert } = setup()
    const group = createGroupCommit(db)
    // Another connection, in a thread of its own, takes the write lock, holds it 300 ms, then commits.
    const holder = new Worker(
      `const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))})
       const { parentPort, workerData } = require('node:worker_threads')
       const db = new Database(workerData)
       db.exec('BEGIN IMMEDIATE; INSERT INTO t (v) VALUES (100)')
       parentPort.postMessage('locked')
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300)
       db.exec('COMMIT')
       db.close()`,
      { eval: true, workerData: join(dir.path, 'x.db') },
    )
    await once(holder, 'message')
    // Each write reads before it inserts, as a pin POST does.
    const writes = [1, 2].map((v) =>
      group.run(() => (db.prepare('SELECT COUNT(*) FROM t').get(), insert(v)), { oneStatement: true }),
    )
    expect((await Promise.allSettled(writes)).map((o) => o.status)).toEqual(['fulfilled', 'fulfilled'])
    await once(holder, 'exit')
    expect(committed()).toEqual([1, 2, 100])
  })

  it('rejects every write of the turn when the commit cannot happen, and keeps none', async () => {
    const { db, committed, insert } = setup()
    const group = createGroupCommit(db)
    const writes = [group.run(() => insert(1)), group.run(() => insert(2))]
    db.close() // before the turn's commit
    open.splice(open.indexOf(db), 1)
    const outcomes = await Promise.allSettled(writes)
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected'])
    expect(committed()).toEqual([])
  })

  it('starts a new transaction for writes of a later turn', async () => {
    const { db, committed, insert } = setup()
    const group = createGroupCommit(db)
    await group.run(() => insert(1))
    expect(committed()).toEqual([1])
    await group.run(() => insert(2))
    expect(committed()).toEqual([1, 2])
  })
})
