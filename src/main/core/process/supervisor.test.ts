// The supervisor's stop against real child processes: the child's own shutdown first, then SIGTERM, then
// SIGKILL, each step bounded; and a stop during a start that never becomes ready returns at once. Also how a
// child's output is logged.
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLogger, silentLogger } from '../log.js'
import { createSupervisor } from './supervisor.js'

const pidFile = () => join(mkdtempSync(join(tmpdir(), 'tack-sup-')), 'child.pid')
// A child that ignores SIGTERM: only SIGKILL ends it.
const STUBBORN = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"
// The same, saying when its handler is in place (it writes the file named by its argument): ready only then,
// or a SIGTERM sent while a loaded machine is still starting it ends it before it can ignore the signal.
const STUBBORN_READY = `process.on('SIGTERM', () => {}); require('fs').writeFileSync(process.argv[1], ''); setInterval(() => {}, 1000)`

describe.runIf(process.platform !== 'win32')('supervisor stop', () => {
  it('asks the child to shut down, then SIGTERM, then SIGKILL, each within stopTimeoutMs', async () => {
    const steps: string[] = []
    const file = pidFile()
    const ready = `${file}.ready`
    const sup = createSupervisor({
      name: 'stubborn',
      log: silentLogger,
      pidFile: file,
      prepare: async () => ({ command: process.execPath, args: ['-e', STUBBORN_READY, ready] }),
      probe: async () => existsSync(ready),
      shutdown: async () => void steps.push('shutdown'),
      stopTimeoutMs: 300,
    })
    await sup.start()
    const pid = sup.pid!
    const t0 = Date.now()
    await sup.stop()
    const ms = Date.now() - t0
    expect(steps).toEqual(['shutdown'])
    expect(ms).toBeGreaterThanOrEqual(550) // waited after the shutdown and after SIGTERM
    expect(ms).toBeLessThan(2000)
    expect(() => process.kill(pid, 0)).toThrow()
  })

  it('stops at the first step when the child honours its own shutdown', async () => {
    const sup = createSupervisor({
      name: 'polite',
      log: silentLogger,
      pidFile: pidFile(),
      prepare: async () => ({ command: process.execPath, args: ['-e', STUBBORN] }),
      probe: async () => true,
      shutdown: async () => void process.kill(sup.pid!, 'SIGKILL'),
      stopTimeoutMs: 5000,
    })
    await sup.start()
    const t0 = Date.now()
    await sup.stop()
    expect(Date.now() - t0).toBeLessThan(1000)
  })

  it('a stop during a start that never gets ready ends the start at once', async () => {
    const sup = createSupervisor({
      name: 'never-ready',
      log: silentLogger,
      pidFile: pidFile(),
      prepare: async () => ({ command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] }),
      probe: async () => false,
      readyTimeoutMs: 60_000,
      stopTimeoutMs: 300,
    })
    const starting = sup.start()
    await new Promise((r) => setTimeout(r, 300))
    const t0 = Date.now()
    await sup.stop()
    await expect(starting).rejects.toThrow(/stopped while starting/)
    expect(Date.now() - t0).toBeLessThan(2000)
  })
})

describe.runIf(process.platform !== 'win32')('supervisor output', () => {
  it("logs every line of the child's output, with Tack's note right after a line it expects", async () => {
    const lines: string[] = []
    const sup = createSupervisor({
      name: 'talker',
      log: createLogger({ sink: (line) => lines.push(line) }),
      pidFile: pidFile(),
      prepare: async () => ({
        command: process.execPath,
        args: [
          '-e',
          "console.log('first'); console.log('WARN: odd'); console.log('last'); setInterval(() => {}, 1000)",
        ],
      }),
      probe: async () => lines.some((l) => l.endsWith(': last')),
      note: (line) => (line.startsWith('WARN: odd') ? 'expected: the test asked for it' : undefined),
    })
    await sup.start()
    await sup.stop()
    // Each logged line is "<time> info  <name>: <text>"; the supervisor's own lines come before and after.
    const said = lines.map((l) => l.slice(l.indexOf(': ') + 2))
    const at = said.indexOf('first')
    expect(said.slice(at, at + 4)).toEqual(['first', 'WARN: odd', 'expected: the test asked for it', 'last'])
  })
})

describe.runIf(process.platform !== 'win32')('supervisor start', () => {
  const BIND = 'listen tcp4 127.0.0.1:4242: bind: address already in use'
  // A child that says `line` and exits the first `failures` times it runs (as Kubo or MinIO do when another
  // program took a port after prepare() found it free), and then comes up (it writes `ready`).
  const child = (dir: string, line: string, failures: number) => `
    const fs = require('node:fs'), path = require('node:path')
    const runs = path.join(${JSON.stringify(dir)}, 'runs')
    const n = fs.existsSync(runs) ? Number(fs.readFileSync(runs, 'utf8')) : 0
    fs.writeFileSync(runs, String(n + 1))
    if (n < ${failures}) {
      console.log(${JSON.stringify(line)})
      process.exit(1)
    }
    fs.writeFileSync(path.join(${JSON.stringify(dir)}, 'ready'), '')
    setInterval(() => {}, 1000)`

  const supervised = (line: string, failures: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'tack-sup-'))
    let prepared = 0
    const sup = createSupervisor({
      name: 'port-loser',
      log: silentLogger,
      pidFile: join(dir, 'child.pid'),
      prepare: async () => {
        prepared++
        return { command: process.execPath, args: ['-e', child(dir, line, failures)] }
      },
      probe: async () => existsSync(join(dir, 'ready')),
      portTaken: (l) => /bind: address already in use/.test(l),
    })
    return { sup, prepared: () => prepared }
  }

  it('starts again, with what prepare() picks anew, when the child lost a port it was given', async () => {
    const { sup, prepared } = supervised(BIND, 1)
    await sup.start()
    expect(sup.state).toBe('running')
    expect(prepared()).toBe(2)
    await sup.stop()
  })

  it('gives up after three starts that each lose a port, with the child’s reason', async () => {
    const { sup, prepared } = supervised(BIND, 5)
    await expect(sup.start()).rejects.toThrow('port-loser exited (code 1')
    expect(sup.state).toBe('failed')
    expect(prepared()).toBe(3)
  })

  it('fails the start at once when the child exits for any other reason', async () => {
    const { sup, prepared } = supervised('Error: something else went wrong', 1)
    await expect(sup.start()).rejects.toThrow('port-loser exited (code 1')
    expect(sup.state).toBe('failed')
    expect(prepared()).toBe(1)
  })
})
