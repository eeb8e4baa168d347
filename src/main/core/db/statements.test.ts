// The statement cache: one prepared statement per SQL text and database, still right after the schema
// changes under it, and bounded. Real SQLite files in a temp dir.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../../tests/fixtures/tmp.js'
import { openDb, type Db } from './index.js'
import { cached } from './statements.js'

describe('cached', () => {
  const dir = tempDir('tack-statements-')
  const dbs: Db[] = []
  const open = (name: string) => {
    const db = openDb(join(dir.path, name), [])
    db.exec('CREATE TABLE t (x INTEGER)')
    dbs.push(db)
    return db
  }
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close()
    dir.remove()
  })

  it('prepares a SQL text once per database', () => {
    const [a, b] = [open('a.db'), open('b.db')]
    const sql = 'SELECT COUNT(*) AS n FROM t'
    expect(cached(a, sql)).toBe(cached(a, sql))
    expect(cached(a, sql)).not.toBe(cached(b, sql))
    expect(cached(a, 'SELECT x FROM t')).not.toBe(cached(a, sql))
    cached(a, 'INSERT INTO t (x) VALUES (?)').run(1)
    expect(cached<[], { n: number }>(a, sql).get()?.n).toBe(1)
    expect(cached<[], { n: number }>(b, sql).get()?.n).toBe(0)
  })

  it('answers from the current schema after it changed', () => {
    const db = open('c.db')
    cached(db, 'INSERT INTO t (x) VALUES (?)').run(7)
    const select = 'SELECT * FROM t'
    expect(cached(db, select).all()).toEqual([{ x: 7 }])
    db.exec('ALTER TABLE t ADD COLUMN y TEXT')
    expect(cached(db, select).all()).toEqual([{ x: 7, y: null }])
  })

  it('starts over past 512 SQL texts instead of growing without bound', () => {
    const db = open('d.db')
    const first = cached(db, 'SELECT 0 FROM t')
    for (let i = 1; i < 512; i++) cached(db, `SELECT ${i} FROM t`)
    expect(cached(db, 'SELECT 0 FROM t')).toBe(first)
    cached(db, 'SELECT 512 FROM t')
    expect(cached(db, 'SELECT 0 FROM t')).not.toBe(first)
  })
})
