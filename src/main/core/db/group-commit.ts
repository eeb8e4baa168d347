// Group commit: writes submitted in the same turn of the event loop share one SQLite transaction, committed
// before any of their callers resumes, so an answer is never sent for a write a crash could still lose.
// Each write runs in its own savepoint: one that throws is rolled back alone and rejects alone.
// Why: a commit rewrites every B-tree page the transaction touched into the WAL; the pins table's indexes
// put that at several pages per single-row commit, while twenty inserts in one transaction share most of
// them (pin insert 86 µs alone, 31 µs in a group of 20, measured on this machine; see migration 8).
import type { Db } from './index.js'

export interface GroupCommit {
  /**
   * Runs `write` inside the turn's shared transaction; resolves with its result once that has committed.
   * `oneStatement`: the write changes the database in at most one statement (reads before it are free), so
   * SQLite's own statement rollback undoes a failure and no savepoint is needed (12-25 µs per pin insert).
   */
  run<T>(write: () => T, options?: { oneStatement?: boolean }): Promise<T>
}

interface Pending {
  write: () => unknown
  oneStatement: boolean
  resolve(value: unknown): void
  reject(error: unknown): void
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

export function createGroupCommit(db: Db): GroupCommit {
  let queue: Pending[] = []

  const flush = () => {
    const batch = queue
    queue = []
    let outcomes: Outcome[]
    try {
      // IMMEDIATE: the write lock is taken first, where SQLite's busy timeout still applies (a CLI command
      // writing at that moment is waited for); a deferred BEGIN would read first, and a write after that
      // read fails at once with SQLITE_BUSY while the CLI holds the lock. better-sqlite3 nests a
      // transaction inside another as a savepoint.
      outcomes = db
        .transaction(() => {
          const done: Outcome[] = []
          for (const p of batch) {
            // SQLite rolled the whole transaction back itself (disk full, I/O error): the rest would each
            // commit on their own, outside it, and still be rejected below. They are not run.
            if (!db.inTransaction) throw new Error('the transaction was rolled back')
            try {
              done.push({ ok: true, value: p.oneStatement ? p.write() : db.transaction(p.write)() })
            } catch (error) {
              done.push({ ok: false, error })
            }
          }
          return done
        })
        .immediate()
    } catch (error) {
      // The commit itself failed (disk full, database closed): nothing of the batch was kept.
      for (const p of batch) p.reject(error)
      return
    }
    batch.forEach((p, i) => {
      const outcome = outcomes[i]!
      if (outcome.ok) p.resolve(outcome.value)
      else p.reject(outcome.error)
    })
  }

  return {
    run<T>(write: () => T, options: { oneStatement?: boolean } = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (!queue.length) setImmediate(flush)
        queue.push({ write, oneStatement: options.oneStatement ?? false, resolve: resolve as (value: unknown) => void, reject })
      })
    },
  }
}
