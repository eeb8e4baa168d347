// Progress on stderr for long commands: a line rewritten in place on a terminal, nothing in between otherwise
// (a pipe or a log gets only the final line).
export function byteMeter(label: string): { add(n: number): void; done(message: string): void } {
  const tty = Boolean(process.stderr.isTTY)
  let bytes = 0
  let last = 0
  const mib = () => (bytes / 1024 / 1024).toFixed(1)
  return {
    add(n) {
      bytes += n
      if (!tty || Date.now() - last < 200) return
      last = Date.now()
      process.stderr.write(`\r${label}: ${mib()} MiB`)
    },
    done(message) {
      process.stderr.write(`${tty ? '\r\x1b[K' : ''}${message} (${mib()} MiB)\n`)
    },
  }
}

export function stepMeter(label: string): (event: { phase: string; done: number; total: number }) => void {
  const tty = Boolean(process.stderr.isTTY)
  return (e) => {
    if (tty) process.stderr.write(`\r\x1b[K${label}: ${e.phase} ${e.done}/${e.total}`)
  }
}
