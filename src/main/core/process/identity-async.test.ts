// Identity reads through real child processes: a shell script stands in for PowerShell (none exists here) and
// for ps, run by the same execFile code as on Windows and macOS. What is checked is what froze Windows starts:
// the reads never block the event loop, pids asked together cost one PowerShell, this process's identity is
// asked once, and a PowerShell that does not answer in time leaves the lock conservative (may still run),
// never falling back to "gone".
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lockDataDir, pidFileHolder, runningPid } from '../lock.js'
import { createSystemReaders, formatIdentity, ownIdentity, readIdentity } from './identity.js'

const dir = mkdtempSync(join(tmpdir(), 'tack-identity-'))
const calls = join(dir, 'calls')
const delay = join(dir, 'delay')
// PowerShell's stand-in: logs each run, waits as long as `delay` says, then answers Get-Process for every pid
// in the command that is alive, one "pid<TAB>start<TAB>path" line each (the format identity.ts asks for).
const fakePowerShell = join(dir, 'powershell.exe')
writeFileSync(
  fakePowerShell,
  `#!/bin/sh
echo run >> ${calls}
sleep "$(cat ${delay} 2>/dev/null || echo 0)"
for pid in $(printf '%s' "$4" | sed -n 's/^Get-Process -Id \\([0-9,]*\\) .*/\\1/p' | tr , ' '); do
  kill -0 "$pid" 2>/dev/null && printf '%s\\t%s\\t%s\\r\\n' "$pid" "start-$pid" 'C:\\Tack\\tack.exe'
done
exit 0
`,
)
chmodSync(fakePowerShell, 0o755)
// ps's stand-in for the macOS branch: "no such pid" is exit 1 with nothing printed.
const fakePs = join(dir, 'ps')
writeFileSync(fakePs, `#!/bin/sh\nsleep "$(cat ${delay} 2>/dev/null || echo 0)"\nexit 1\n`)
chmodSync(fakePs, 0o755)

const windows = (timeoutMs = 10_000) =>
  createSystemReaders({ platform: 'win32', timeoutMs, programs: { 'powershell.exe': fakePowerShell } })
const runs = () => {
  try {
    return readFileSync(calls, 'utf8').split('\n').filter(Boolean).length
  } catch {
    return 0
  }
}
const setDelay = (seconds: number) => writeFileSync(delay, String(seconds))

let live: ChildProcess
let gonePid: number
beforeAll(async () => {
  live = spawn('sleep', ['60'], { stdio: 'ignore' })
  const gone = spawn('true', { stdio: 'ignore' })
  await new Promise((r) => gone.once('exit', r))
  gonePid = gone.pid!
})
afterAll(() => {
  live.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

describe('process identity off the main thread (Windows branch, PowerShell stood in for)', () => {
  it('pids asked together take one PowerShell, and the event loop keeps turning while it runs', async () => {
    setDelay(1)
    const before = runs()
    let ticks = 0
    const timer = setInterval(() => ticks++, 20)
    const readers = windows()
    const [a, b] = await Promise.all([readIdentity(live.pid!, readers), readIdentity(gonePid, readers)])
    clearInterval(timer)
    expect(runs() - before).toBe(1)
    expect(a).toEqual({ state: 'alive', id: { pid: live.pid, start: `start-${live.pid}`, exe: 'C:\\Tack\\tack.exe' } })
    expect(b).toEqual({ state: 'gone' })
    // A synchronous PowerShell (execFileSync) would have let no timer run during its second.
    expect(ticks).toBeGreaterThan(5)
  })

  it("this process's identity is asked once, however often a start needs it", async () => {
    setDelay(0)
    const readers = windows()
    const before = runs()
    const ids = await Promise.all([ownIdentity(readers), ownIdentity(readers)])
    await ownIdentity(readers)
    expect(runs() - before).toBe(1)
    expect(ids[0]).toEqual({ pid: process.pid, start: `start-${process.pid}`, exe: 'C:\\Tack\\tack.exe' })
  })

  it('an identity of this process that PowerShell did not give in time is asked again next time', async () => {
    setDelay(5)
    const readers = windows(300)
    expect(await ownIdentity(readers)).toBeUndefined()
    setDelay(0)
    const before = runs()
    expect(await ownIdentity(readers)).toMatchObject({ pid: process.pid })
    expect(runs() - before).toBe(1)
  })

  it('a PowerShell that does not answer in time is "unknown", and the lock stays held', async () => {
    setDelay(5)
    const readers = windows(300)
    const startedAt = Date.now()
    const read = await readIdentity(live.pid!, readers)
    expect(read).toMatchObject({ state: 'unknown', reason: expect.stringMatching(/did not answer in 300 ms/) })
    expect(Date.now() - startedAt).toBeLessThan(3000)

    // A pid file whose recorded Tack is alive but cannot be identified: not provably gone.
    const pidFile = join(dir, 'tack.pid')
    const recorded = { pid: live.pid!, start: `start-${live.pid}`, exe: 'C:\\Tack\\tack.exe' }
    writeFileSync(pidFile, `${live.pid}\nhttp://127.0.0.1:1\n${formatIdentity(recorded)}\n`)
    expect(await pidFileHolder(pidFile, readers)).toMatchObject({ state: 'unknown', pid: live.pid })
    expect(await runningPid(pidFile, readers)).toBe(live.pid)
    await expect(lockDataDir(pidFile, readers)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`remove ${pidFile}`),
    })
    expect(readFileSync(pidFile, 'utf8')).toContain(`${live.pid}\n`)
  })

  it('once PowerShell answers, a live recorded Tack holds the lock and a reused pid does not', async () => {
    setDelay(0)
    const readers = windows()
    const pidFile = join(dir, 'answered.pid')
    const recorded = { pid: live.pid!, start: `start-${live.pid}`, exe: 'C:\\Tack\\tack.exe' }
    writeFileSync(pidFile, `${live.pid}\n\n${formatIdentity(recorded)}\n`)
    expect(await runningPid(pidFile, readers)).toBe(live.pid)
    writeFileSync(pidFile, `${live.pid}\n\n${formatIdentity({ ...recorded, start: 'an-earlier-boot' })}\n`)
    expect(await runningPid(pidFile, readers)).toBeUndefined()
    const lock = await lockDataDir(pidFile, readers)
    expect(readFileSync(pidFile, 'utf8').split('\n')[0]).toBe(String(process.pid))
    lock.release()
  })
})

describe('process identity (macOS branch, ps stood in for)', () => {
  it('ps exiting 1 with nothing printed is gone; ps that does not answer is unknown', async () => {
    setDelay(0)
    const ps = (timeoutMs: number) => createSystemReaders({ platform: 'darwin', timeoutMs, programs: { ps: fakePs } })
    expect(await readIdentity(live.pid!, ps(10_000))).toEqual({ state: 'gone' })
    setDelay(5)
    expect(await readIdentity(live.pid!, ps(300))).toMatchObject({ state: 'unknown' })
  })
})
