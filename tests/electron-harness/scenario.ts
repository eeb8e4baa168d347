// Shared steps of the harness scenarios: a started app, the window's sign-in, the no-child-left check.
import { expect } from 'vitest'
import { alive, startHarness, type Harness, type HarnessOptions } from './client.js'

export const running = (h: Harness) =>
  h.waitFor(
    'webContents.send',
    (r) => r.channel === 'tack:status' && (r.payload as { state?: string })?.state === 'running',
  )

/** Started and showing its window (the app:// page loaded). */
export async function startedApp(options: HarnessOptions = {}): Promise<Harness> {
  const h = startHarness(options)
  await h.waitFor('webContents.loaded')
  return h
}

/** What the IPC handlers answer (an IpcResult). */
export interface Result<T = unknown> {
  ok: boolean
  value?: T
  error?: { code: string; message: string }
}

/** The renderer's sign-in: the shell's one-time token exchanged at POST /api/session from the app:// origin. */
export async function signIn(h: Harness): Promise<{ apiUrl: string; secret: string }> {
  const conn = await h.request<Result<{ apiUrl: string; token: string }>>('invoke', { channel: 'tack:get-connection' })
  expect(conn.ok).toBe(true)
  const res = await fetch(`${conn.value!.apiUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'app://tack' },
    body: JSON.stringify({ token: conn.value!.token }),
  })
  expect(res.status).toBe(201)
  const body = (await res.json()) as { secret?: string }
  expect(body.secret).toBeTruthy()
  return { apiUrl: conn.value!.apiUrl, secret: body.secret! }
}

/** A user's click in the window (main's gesture clock opens for settings, links and backups). */
export const click = (h: Harness) =>
  h.request('emit', { target: 'webContents', event: 'input-event', args: [{ type: 'mouseDown' }] })

/** After the app exited: it had started Kubo (and MinIO), and none of its descendants is alive. */
export function expectNoChildLeft(h: Harness, expected: string[] = ['ipfs', 'minio']): void {
  const seen = [...h.children()]
  for (const name of expected)
    expect(
      seen.some(([, cmd]) => cmd.includes(name)),
      `${name} was started (seen: ${JSON.stringify(seen)})`,
    ).toBe(true)
  const left = seen.filter(([pid]) => alive(pid))
  expect(left, 'children left after exit').toEqual([])
}

/** The real electron package never loaded (the loader and require hooks throw if it is). */
export function expectNoRealElectron(h: Harness): void {
  expect(h.output()).not.toMatch(/real electron package/)
}

/** Ends a scenario's app by a quit (unless it has ended already) and checks that it left no child process. */
export async function quitLeavingNothing(h: Harness | undefined): Promise<void> {
  if (!h) return
  if (h.child.exitCode === null && h.child.signalCode === null) {
    h.sampleChildren()
    await h.request('quit').catch(() => {})
    await h.exited
  }
  expectNoChildLeft(h)
}
