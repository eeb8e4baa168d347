// Every call the shell makes into the stand-in, in order, streamed to the test over the IPC channel (so the
// record survives the process's exit). Functions and objects that cannot be cloned are replaced by a tag.
let seq = 0

export function plain(value, depth = 0) {
  if (typeof value === 'function') return '[function]'
  if (value === null || typeof value !== 'object') return value
  if (depth > 6) return '[deep]'
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1))
  if (value.constructor && value.constructor !== Object) return `[${value.constructor.name}]`
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, depth + 1)]))
}

export function record(what, detail = {}) {
  process.send?.({ ...plain(detail), type: 'record', seq: ++seq, what })
}

/** Sends the last record and exits once it is written: an exit would otherwise drop what is queued. */
export function recordAndExit(code) {
  if (!process.send || !process.connected) process.exit(code)
  process.send({ type: 'record', seq: ++seq, what: 'app.exit', code }, () => process.exit(code))
}
