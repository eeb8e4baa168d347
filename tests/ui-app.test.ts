// The renderer in a real browser (Debian's Chromium through playwright-core) against a real core (Kubo,
// MinIO, SQLite in a temp dir): sign in through the printed one-time link (used once; a fresh one pasted into
// the same tab; sign out), upload by drop and by the pickers, compare
// CIDs with real Kubo, fetch through the gateway, pin from a second Kubo and watch it turn pinned live, make a
// key and use it from Kubo's CLI until it is revoked, turn LAN sharing on. Every page is saved as a
// screenshot under test-results/screenshots/ (light and dark) for a person to look at.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../src/main/core/binaries.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { chooseFromRowMenu, openRowMenu } from './fixtures/row-menu.js'
import { json } from './fixtures/http.js'
import { rawRequest } from './fixtures/raw-http.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { tempDir } from './fixtures/tmp.js'

const ROOT = projectRoot()
const SHOTS = join(ROOT, 'test-results', 'screenshots')
const CHROMIUM = process.env.TACK_CHROMIUM ?? '/usr/bin/chromium'
const MiB = 1024 * 1024

let tack: TestTack
let kubo: KuboTestNode
let browser: Browser
let context: BrowserContext
let page: Page
/** The first login link, used once by the main page. */
let loginLink: string
const pageErrors: string[] = []

/** The browser globals the page-side callbacks use (this project type-checks without the DOM library). */
interface Win {
  document: { body: { dispatchEvent(event: unknown): boolean } }
  DataTransfer: new () => { items: { add(file: File): unknown } }
  DragEvent: new (type: string, init: { bubbles: boolean; cancelable: boolean; dataTransfer: unknown }) => unknown
  sessionStorage: { length: number; getItem(key: string): string | null }
  navigator: { clipboard: { readText(): Promise<string> } }
  __sameDocument?: boolean
  location: { reload(): void }
  dispatchEvent(event: unknown): boolean
  Event: new (type: string, init: { cancelable: boolean }) => { defaultPrevented: boolean }
}

/** Whether the page's beforeunload listeners refuse to let it go (an event no prompt follows). */
const unloadRefused = () =>
  page.evaluate(() => {
    const win = globalThis as unknown as Win
    const event = new win.Event('beforeunload', { cancelable: true })
    win.dispatchEvent(event)
    return event.defaultPrevented
  })

function ensureBuild() {
  if (existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) return
  execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 })
}

function ensureChromium() {
  if (!existsSync(CHROMIUM))
    execFileSync('bash', [join(ROOT, 'scripts', 'ensure-debian-packages.sh')], { stdio: 'inherit' })
}

async function shot(name: string, target: Page = page) {
  await target.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' })
}

const kuboCid = async (bytes: Buffer) =>
  (await kubo.ipfs(['add', '-Q', '--cid-version=1', '--only-hash'], { input: bytes })).trim()

/** Slows uploads down (Chromium's own throttling), so progress, speed and cancel can be seen. */
async function throttleUploads(bytesPerSecond: number | null) {
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond ?? -1,
  })
}

/** A drop of files built inside the page, as the browser delivers one: dragenter, dragover, drop on the body. */
async function dropFiles(files: Array<{ name: string; bytes: Buffer }>, stopAtEnter = false) {
  await page.evaluate(
    ({ files, stopAtEnter }) => {
      const win = globalThis as unknown as Win
      const dt = new win.DataTransfer()
      for (const f of files) {
        const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))
        dt.items.add(new File([bytes], f.name, { type: 'application/octet-stream' }))
      }
      const types = stopAtEnter ? ['dragenter', 'dragover'] : ['dragenter', 'dragover', 'drop']
      for (const type of types)
        win.document.body.dispatchEvent(new win.DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }))
    },
    { files: files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') })), stopAtEnter },
  )
}

const fileRow = (name: string) =>
  page.locator('tr[data-cid]', { has: page.locator('.file-name', { hasText: new RegExp(`^${name}$`) }) })

/** The main context's cookies as a Cookie header. */
const cookieHeader = async () => (await context.cookies(tack.url)).map((c) => `${c.name}=${c.value}`).join('; ')
/** The main page's page token, as it keeps it in its tab's sessionStorage. */
const pageToken = async () =>
  (await page.evaluate(() => (globalThis as unknown as Win).sessionStorage.getItem('tack.pageToken'))) ?? ''

async function go(key: '1' | '2' | '3' | '4', heading: string) {
  await page.locator('body').press(key)
  await expect.poll(() => page.locator('h1').first().textContent()).toBe(heading)
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  ensureBuild()
  ensureChromium()
  ;[tack, kubo] = await Promise.all([startTack({ config: { lanPort: 0, pinTimeoutMs: 20_000 } }), startKuboNode()])
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  context = await browser.newContext({ viewport: { width: 1280, height: 820 }, colorScheme: 'light' })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: tack.url })
  page = await context.newPage()
  page.on('pageerror', (err) => pageErrors.push(String(err)))
  page.on('console', (msg) => {
    // A refused request (409 over quota, 404) is logged by Chromium itself; that is the UI working.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text())
  })
}, 400_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all([tack?.destroy(), kubo?.stop()])
})

describe('the renderer in a real browser', () => {
  it('serves a sign-in page without a token, under a strict CSP', async () => {
    const res = await fetch(`${tack.url}/`)
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    // SPA fallback for other pages, never for the API (an unknown /api path is a 404 Failure, with or without a key).
    expect((await fetch(`${tack.url}/some/old/link`)).headers.get('content-type')).toMatch(/^text\/html/)
    expect((await fetch(`${tack.url}/api/nope`)).status).toBe(404)
    expect((await tack.api('/api/nope')).status).toBe(404)

    const anon = await context.newPage()
    await anon.goto(tack.url)
    await expect.poll(() => anon.locator('h1').textContent()).toBe('Sign in to Tack')
    await shot('signed-out', anon)
    await anon.close()
  })

  it('signs in through the printed login link, takes the token out of the address bar and keeps none', async () => {
    loginLink = tack.core.loginUrl()
    await page.goto(loginLink)
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Files')
    expect(page.url()).not.toContain('token')
    // The session is an HttpOnly, SameSite=Strict cookie that page scripts never read, and a page token in
    // this tab's sessionStorage (per origin, so per port); the cookie is worth nothing without it.
    expect(await page.evaluate(() => (globalThis as unknown as Win).sessionStorage.length)).toBe(1)
    expect(await pageToken()).toMatch(/^tsp_[\w-]{43}$/)
    const cookies = await context.cookies(tack.url)
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['tack_session', true, 'Strict']])
    await expect.poll(() => page.locator('.empty h3').textContent()).toBe('No files yet')
    await expect.poll(() => page.locator('.live.on').count(), { timeout: 10_000 }).toBe(1)
    await shot('files-empty')
    // A reload keeps the session (the cookie and this tab's page token), without the token in the URL.
    await page.reload()
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Files')
    await expect.poll(() => page.locator('.live.on').count(), { timeout: 10_000 }).toBe(1)
  })

  it('says a used link was used, signs in with a fresh link pasted into the same tab, and signs out', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 820 } })
    try {
      const tab = await other.newPage()
      await tab.goto(loginLink)
      await expect.poll(() => tab.locator('h1').textContent()).toBe('This sign-in link was already used or has expired')
      expect(tab.url()).not.toContain('token')
      expect(await tab.getByTestId('link-used').textContent()).toContain('tack login')
      await shot('sign-in-link-used', tab)
      expect(await other.cookies(tack.url)).toEqual([])

      // A fresh link into the same tab: a fragment change, handled without reloading the page.
      await tab.evaluate(() => ((globalThis as unknown as Win).__sameDocument = true))
      await tab.goto(tack.core.loginUrl())
      await expect.poll(() => tab.locator('h1').first().textContent()).toBe('Files')
      expect(await tab.evaluate(() => (globalThis as unknown as Win).__sameDocument)).toBe(true)
      expect(tab.url()).not.toContain('token')

      await tab.getByRole('button', { name: 'Sign out' }).click()
      await expect.poll(() => tab.locator('h1').textContent()).toBe('Sign in to Tack')
      await tab.reload()
      await expect.poll(() => tab.locator('h1').textContent()).toBe('Sign in to Tack')
    } finally {
      await other.close()
    }
    // Signing out there ended that session only: this tab's goes on.
    const headers = { cookie: await cookieHeader(), 'x-tack-session': await pageToken() }
    expect((await fetch(`${tack.url}/api/accounts/me`, { headers })).status).toBe(200)
  })

  it('gives another local server the owner follows a link to nothing it can use: the cookie alone opens no route', async () => {
    // Another local user's web server on another loopback port: the browser sends it Tack's cookie, because
    // cookies are not separated by port. It records what it gets.
    const received: string[] = []
    const other = createServer((req, res) => {
      received.push(req.headers.cookie ?? '')
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>elsewhere</h1>')
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    const port = (other.address() as AddressInfo).port
    const tab = await context.newPage()
    try {
      await tab.goto(`http://127.0.0.1:${port}/`)
      const replayed = received.find((c) => c.includes('tack_session=')) ?? ''
      expect(replayed).toContain('tack_session=tss_') // the browser did hand it over
      for (const path of ['/api/accounts/me', '/api/export', '/api/events', '/api/keys?all=true']) {
        const res = await rawRequest(tack.url, path, { headers: { cookie: replayed } })
        expect(res.status, path).toBe(401)
      }
      // What that server's own page can read of the session: nothing (sessionStorage is per port).
      expect(await tab.evaluate(() => (globalThis as unknown as Win).sessionStorage.length)).toBe(0)
    } finally {
      await tab.close()
      await new Promise((resolve) => other.close(resolve))
    }
    // The owner's own page is still signed in and live.
    await expect.poll(() => page.locator('.live.on').count(), { timeout: 10_000 }).toBe(1)
  })

  it('uploads a dropped file with progress, speed and time left, and gets the CID Kubo computes', async () => {
    const bytes = randomBytes(3 * MiB)
    await dropFiles([{ name: 'dropped.bin', bytes }], true)
    await expect.poll(() => page.locator('.drop-overlay').count()).toBe(1)
    await shot('files-drop-overlay')
    await throttleUploads(1 * MiB)
    await dropFiles([{ name: 'dropped.bin', bytes }])
    const row = page.locator('.upload', { hasText: 'dropped.bin' })
    await expect.poll(() => row.getAttribute('data-upload-state')).toBe('uploading')
    await expect
      .poll(async () => Number(await row.getByRole('progressbar').getAttribute('aria-valuenow')))
      .toBeGreaterThan(0)
    await expect.poll(() => row.locator('.upload-speed').textContent()).toMatch(/B\/s$/)
    await expect.poll(() => row.locator('.upload-eta').textContent()).toMatch(/\d+ s left|min .* left|processing/)
    await shot('files-uploading')
    await throttleUploads(null)
    await expect.poll(() => row.getAttribute('data-upload-state'), { timeout: 30_000 }).toBe('done')
    const cid = await fileRow('dropped.bin').getAttribute('data-cid')
    expect(cid).toBe(await kuboCid(bytes))
  })

  it('uploads picked files and a picked folder with its paths', async () => {
    const a = Buffer.from('hello world')
    await page.getByTestId('file-input').setInputFiles([{ name: 'hello.txt', mimeType: 'text/plain', buffer: a }])
    await expect
      .poll(() => fileRow('hello.txt').getAttribute('data-cid'), { timeout: 30_000 })
      .toBe('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e')
    // Added with "Put on IPFS at once" on (the default): on IPFS with no gateway read, and the row says so.
    const hello = fileRow('hello.txt')
    await expect.poll(() => hello.locator('.badge').getAttribute('data-state'), { timeout: 30_000 }).toBe('pinned')
    // Polled too: the upload's answer (pinned) can come before the pin job's own events (pinning, pinned).
    await expect.poll(() => hello.locator('.badge').textContent()).toBe('on IPFS')
    expect(await tack.core.kubo.client.isPinned('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e')).toBe(
      true,
    )

    // With the switch off (the owner's setting), a folder stays on this computer until it is pinned.
    const addToIpfs = page.getByRole('checkbox', { name: 'Put on IPFS at once' })
    await addToIpfs.uncheck()
    await expect
      .poll(async () => ((await (await tack.api('/api/settings')).json()) as { addToIpfs: boolean }).addToIpfs)
      .toBe(false)
    const dir = tempDir('tack-ui-folder-')
    const site = join(dir.path, 'site')
    mkdirSync(join(site, 'css'), { recursive: true })
    writeFileSync(join(site, 'index.html'), '<h1>hi</h1>')
    writeFileSync(join(site, 'css', 'style.css'), 'h1 { color: red }')
    try {
      await page.getByTestId('folder-input').setInputFiles(site)
      const row = page.locator('.upload', { hasText: 'site/' })
      await expect.poll(() => row.getAttribute('data-upload-state'), { timeout: 30_000 }).toBe('done')
      const expected = (await kubo.ipfs(['add', '-r', '-Q', '--cid-version=1', '--only-hash', site])).trim()
      await row.getByRole('button', { name: 'Copy CID' }).click()
      expect(await page.evaluate(() => (globalThis as unknown as Win).navigator.clipboard.readText())).toBe(expected)
      // One library entry for the folder, with the folder's CID; its files open from it.
      await expect.poll(() => fileRow('site').getAttribute('data-cid'), { timeout: 10_000 }).toBe(expected)
      expect(await fileRow('site').getAttribute('data-type')).toBe('directory')
      expect(await page.locator('.file-name', { hasText: 'site/css/style.css' }).count()).toBe(0)
      expect(await fileRow('site').locator('.badge').textContent()).toBe('on this computer only')
    } finally {
      dir.remove()
    }
    await shot('files-list')
  })

  it('opens the gateway link and gets the same bytes', async () => {
    const row = fileRow('hello.txt')
    // Open is in the row's menu, a link there.
    const open = (await openRowMenu(row)).getByRole('menuitem', { name: 'Open hello.txt' })
    const href = await open.getAttribute('href')
    expect(href).toBeTruthy()
    const [tab] = await Promise.all([context.waitForEvent('page'), open.click()])
    await tab.waitForLoadState()
    expect(tab.url()).toBe(href)
    expect(await tab.locator('body').textContent()).toBe('hello world')
    await tab.close()
    const res = await fetch(href!)
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('hello world')
    // The Share dialog's link for this computer is the same link, and copies it.
    await row.getByRole('button', { name: 'Share hello.txt' }).click()
    await page.locator('dialog[open]').getByRole('button', { name: 'Copy link for this computer' }).click()
    expect(await page.evaluate(() => (globalThis as unknown as Win).navigator.clipboard.readText())).toBe(href)
    await page.keyboard.press('Escape')
  })

  it('says why the quota refused an upload; asks before a reload or a sign-out would drop one in flight; cancels it', async () => {
    const me = await json(await tack.api('/api/accounts/me'))
    expect(
      (
        await tack.api(`/api/accounts/${me.id}`, {
          method: 'PATCH',
          body: JSON.stringify({ quota: me.usage + 1000 }),
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(200)
    try {
      await page
        .getByTestId('file-input')
        .setInputFiles([{ name: 'too-big.bin', mimeType: 'application/octet-stream', buffer: randomBytes(MiB) }])
      const row = page.locator('.upload', { hasText: 'too-big.bin' })
      await expect.poll(() => row.getAttribute('data-upload-state'), { timeout: 30_000 }).toBe('failed')
      expect(await row.locator('.upload-error').textContent()).toMatch(/^Over the account's storage quota/)
      await shot('files-over-quota')
    } finally {
      await tack.api(`/api/accounts/${me.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ quota: null }),
        headers: { 'content-type': 'application/json' },
      })
    }

    await throttleUploads(256 * 1024)
    await page
      .getByTestId('file-input')
      .setInputFiles([{ name: 'cancel-me.bin', mimeType: 'application/octet-stream', buffer: randomBytes(4 * MiB) }])
    const row = page.locator('.upload', { hasText: 'cancel-me.bin' })
    await expect.poll(() => row.getAttribute('data-upload-state')).toBe('uploading')
    // Reloading asks first (the browser's own prompt); staying keeps the upload going.
    const asked = page.waitForEvent('dialog')
    await page.evaluate(() => setTimeout(() => (globalThis as unknown as Win).location.reload(), 0))
    const prompt = await asked
    expect(prompt.type()).toBe('beforeunload')
    await prompt.dismiss()
    expect(await row.getAttribute('data-upload-state')).toBe('uploading')
    // Signing out asks too, and "Keep uploading" keeps both the session and the upload.
    await page.getByRole('button', { name: 'Sign out' }).click()
    const confirm = page.locator('dialog[open]')
    expect(await confirm.textContent()).toContain('An upload is still running. Signing out stops it')
    await confirm.getByRole('button', { name: 'Keep uploading' }).click()
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0)
    expect(await row.getAttribute('data-upload-state')).toBe('uploading')
    await page.getByRole('button', { name: 'Cancel cancel-me.bin' }).click()
    await expect.poll(() => row.getAttribute('data-upload-state')).toBe('cancelled')
    // Nothing running: leaving is not held up any more.
    expect(await unloadRefused()).toBe(false)
    await throttleUploads(null)
    const listed = await json(await tack.api('/api/files?q=cancel-me'))
    expect(listed.results).toEqual([])
  })

  it('brings back an upload a reload cut off as interrupted, and sends it again once its file is picked again', async () => {
    const scratch = tempDir('tack-ui-resume-')
    try {
      const file = join(scratch.path, 'resume-me.bin')
      const other = join(scratch.path, 'other.bin')
      writeFileSync(file, randomBytes(3 * MiB))
      writeFileSync(other, randomBytes(1000))
      // The upload's request is held in the browser: it never reaches Tack before the reload cuts it off.
      const sending = (url: URL) => url.pathname === '/api/files' && url.searchParams.get('name') === 'resume-me.bin'
      const held: Array<{ abort(): Promise<void> }> = []
      await page.route(sending, (route) => void held.push(route))
      await page.getByTestId('file-input').setInputFiles(file)
      await expect
        .poll(() => page.locator('.upload', { hasText: 'resume-me.bin' }).getAttribute('data-upload-state'))
        .toBe('uploading')
      await expect.poll(() => held.length).toBe(1)
      // The person leaves anyway (the guard asks first; they say leave).
      const leave = (d: { accept(): Promise<void> }) => void d.accept()
      page.on('dialog', leave)
      await page.reload()
      page.off('dialog', leave)
      await page.unroute(sending)
      for (const route of held) await route.abort().catch(() => {})
      await page.locator('h1', { hasText: 'Files' }).waitFor()
      const row = page.locator('.upload', { hasText: 'resume-me.bin' })
      await expect.poll(() => row.getAttribute('data-upload-state')).toBe('interrupted')
      const text = await row.textContent()
      expect(text).toContain('Pick the file again to resume')
      expect(text).toContain('sent again from the start')
      // Another file is not taken for it, and the row says why.
      await row.getByTestId('resume-input').setInputFiles(other)
      await expect.poll(() => row.locator('.upload-error').textContent()).toContain('not “resume-me.bin”')
      expect(await row.getAttribute('data-upload-state')).toBe('interrupted')
      // The same file: sent again, to the end.
      await row.getByTestId('resume-input').setInputFiles(file)
      await expect.poll(() => row.getAttribute('data-upload-state'), { timeout: 60_000 }).toBe('done')
      await expect.poll(() => fileRow('resume-me.bin').count()).toBe(1)
      // Finished: nothing is remembered any more, so a reload brings no interrupted entry back.
      await page.reload()
      await page.locator('h1', { hasText: 'Files' }).waitFor()
      await expect.poll(() => fileRow('resume-me.bin').count()).toBe(1)
      expect(await page.locator('.upload[data-upload-state="interrupted"]').count()).toBe(0)
    } finally {
      scratch.remove()
    }
  })

  it('pins a CID from a second Kubo and shows it turn pinned live, without reloading', async () => {
    await go('2', 'Pins')
    const content = Buffer.from(`pin me ${randomBytes(8).toString('hex')}`)
    const cid = await kuboCid(content)
    const origin = kubo.addresses.find((a) => a.startsWith('/ip4/127.0.0.1/tcp/')) ?? kubo.addresses[0]!
    await page.evaluate(() => ((globalThis as unknown as Win).__sameDocument = true))

    await page.getByRole('button', { name: 'Pin from CID' }).click()
    await page.locator('dialog input[name=cid]').fill(cid)
    await page.locator('dialog input[name=name]').fill('from-second-kubo')
    await page.locator('dialog textarea[name=origins]').fill(origin)
    await page.locator('dialog textarea[name=meta]').fill('source=ui-test')
    await shot('pins-add-dialog')
    await page.locator('dialog button[type=submit]').click()

    // The second Kubo does not have the content yet: the pin waits...
    const row = page.locator(`tr[data-cid="${cid}"]`)
    await expect
      .poll(() => row.locator('.badge').getAttribute('data-state'), { timeout: 15_000 })
      .toMatch(/queued|pinning/)
    await shot('pins-pinning')
    // ...until it does; the event stream turns the row pinned.
    await kubo.ipfs(['add', '-Q', '--cid-version=1'], { input: content })
    await expect.poll(() => row.locator('.badge').getAttribute('data-state'), { timeout: 60_000 }).toBe('pinned')
    expect(await page.evaluate(() => (globalThis as unknown as Win).__sameDocument)).toBe(true)
    expect(await row.textContent()).toContain('source=ui-test')

    // Filters: the status chips and the name search go to the API and narrow the list.
    await page.getByRole('button', { name: 'failed', exact: true }).click()
    await expect.poll(() => row.count()).toBe(0)
    await page.getByRole('button', { name: 'failed', exact: true }).click()
    await page.getByPlaceholder('Name').fill('SECOND-kubo')
    await expect.poll(() => row.count()).toBe(1)
    await page.getByLabel('Name match').selectOption('exact')
    await expect.poll(() => row.count()).toBe(0)
    await page.getByPlaceholder('Name').fill('')
    await page.getByLabel('Name match').selectOption('ipartial')
    await expect.poll(() => row.count()).toBe(1)
    await shot('pins-list')
  })

  it('shows the reason a pin failed', async () => {
    const missing = await kuboCid(randomBytes(64))
    await page.getByRole('button', { name: 'Pin from CID' }).click()
    await page.locator('dialog input[name=cid]').fill(missing)
    await page.locator('dialog input[name=name]').fill('nobody-has-this')
    await page.locator('dialog button[type=submit]').click()
    const row = page.locator(`tr[data-cid="${missing}"]`)
    await expect
      .poll(() => row.locator('.badge').getAttribute('data-state'), { timeout: 90_000, interval: 1000 })
      .toBe('failed')
    await expect.poll(() => row.locator('.fail-reason').count()).toBe(1)
    await shot('pins-failed')
    // Invalid input is refused with the API's own details, in the dialog.
    await page.getByRole('button', { name: 'Pin from CID' }).click()
    await page.locator('dialog input[name=cid]').fill('not-a-cid')
    await page.locator('dialog button[type=submit]').click()
    await expect.poll(() => page.locator('dialog .error-box').count()).toBe(1)
    expect(await page.locator('dialog .error-box').textContent()).toContain('BAD_REQUEST')
    await shot('pins-bad-cid')
    await page.keyboard.press('Escape')
  })

  it('creates a key that Kubo uses, then revokes it and Kubo gets 401', async () => {
    await go('3', 'Developer')
    await page.locator('input[name=key-name]').fill('kubo-cli')
    await page.getByRole('button', { name: 'Create key' }).click()
    const secret = (await page.locator('[data-secret]').textContent())!.trim()
    expect(secret).toMatch(/^tack_/)
    const command = await page.locator('.command code').first().textContent()
    expect(command).toBe(`ipfs pin remote service add tack ${tack.url}/api/pinning ${secret}`)
    await page.getByRole('button', { name: 'Copy secret' }).click()
    expect(await page.evaluate(() => (globalThis as unknown as Win).navigator.clipboard.readText())).toBe(secret)
    await shot('developer-new-key')

    await kubo.ipfs(['pin', 'remote', 'service', 'add', 'tack', `${tack.url}/api/pinning`, secret])
    const listed = await kubo.ipfs(['pin', 'remote', 'ls', '--service=tack'])
    expect(listed).toContain('from-second-kubo')

    await page.getByRole('button', { name: 'Done' }).click()
    await page.getByRole('button', { name: 'Revoke kubo-cli' }).click()
    await page.locator('dialog button[type=submit]').click()
    await expect.poll(() => page.getByRole('button', { name: 'Revoke kubo-cli' }).count()).toBe(0)
    const refused = await kubo.ipfsResult(['pin', 'remote', 'ls', '--service=tack'])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/401|UNAUTHORIZED/)
    await shot('developer')
  })

  it('turns LAN sharing on and shows its URLs with QR codes', async () => {
    await go('4', 'Dashboard')
    await expect.poll(() => page.locator('[data-count=pinned]').textContent()).toMatch(/^\d+$/)
    await page.locator('label.switch').click()
    const url = page.locator('.lan-url figcaption').first()
    await expect.poll(() => url.textContent(), { timeout: 20_000 }).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:\d+/)
    expect(await page.getByRole('switch', { name: 'LAN sharing' }).isChecked()).toBe(true)
    await shot('dashboard')

    // Files now offer their LAN link with a QR code in the Share dialog, and that link serves the file.
    await go('1', 'Files')
    await fileRow('hello.txt').getByRole('button', { name: 'Share hello.txt' }).click()
    const lan = page.locator('dialog[open] [data-testid="share-lan"]')
    await expect.poll(() => lan.locator('.qr img').count()).toBe(1)
    const lanLink = await lan.locator('.qr figcaption').textContent()
    expect(lanLink).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:\d+\//)
    await shot('files-lan-qr')
    expect(await (await fetch(lanLink!)).text()).toBe('hello world')
    await page.keyboard.press('Escape')
  })

  it('pins a stored file now, deletes a file, and removes a pin, each reflected without a reload', async () => {
    await go('1', 'Files')
    const row = fileRow('site')
    await expect.poll(() => row.locator('.badge').getAttribute('data-state')).toBe('stored')
    await chooseFromRowMenu(row, 'Pin site now')
    await expect.poll(() => row.locator('.badge').getAttribute('data-state'), { timeout: 30_000 }).toBe('pinned')
    const cid = await row.getAttribute('data-cid')
    expect(await tack.core.kubo.client.isPinned(cid!)).toBe(true)

    await chooseFromRowMenu(row, 'Delete site')
    // The dialog says what goes: the folder, its 2 files and its pin.
    await expect.poll(() => page.locator('dialog[open]').textContent()).toContain('with its 2 files')
    expect(await page.locator('dialog[open]').textContent()).toContain('Its pin goes too')
    await page.locator('dialog button.btn-danger').click()
    await expect.poll(() => row.count()).toBe(0)
    const listed = await (await tack.api('/api/files?limit=1000')).json()
    expect(JSON.stringify(listed)).not.toContain('"site"')
    await expect.poll(() => tack.core.kubo.client.isPinned(cid!), { timeout: 15_000 }).toBe(false)

    await go('2', 'Pins')
    const failed = page.locator('tr[data-status="failed"]', { has: page.getByText('nobody-has-this', { exact: true }) })
    await expect.poll(() => failed.count(), { timeout: 20_000 }).toBe(1)
    await chooseFromRowMenu(failed, 'Remove pin nobody-has-this')
    await page.locator('dialog button.btn-danger').click()
    await expect.poll(() => failed.count()).toBe(0)
    const left = (await (await tack.api('/api/pinning/pins?status=failed&name=nobody-has-this')).json()) as {
      count: number
    }
    expect(left.count).toBe(0)
  })

  it('adds a forwarding target on the dashboard, shows where pins stand there, and removes it', async () => {
    await go('4', 'Dashboard')
    const panel = page.getByRole('region', { name: 'Remote targets' })
    await expect.poll(() => panel.textContent()).toContain('No targets yet')
    // A cluster that is not there: local pins are unaffected, and the target's queue says so.
    await panel.getByLabel('Target name').fill('lab')
    await panel.getByLabel('Target URL').fill('http://127.0.0.1:9/')
    await panel.getByLabel('Target token').fill('cluster-secret')
    await panel.getByRole('button', { name: 'Add target' }).click()
    const row = panel.locator('tr', { hasText: 'lab' })
    await expect.poll(() => row.textContent()).toContain('IPFS Cluster')
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click()
          return row.textContent()
        },
        { timeout: 20_000 },
      )
      .toMatch(/\d+ queued/)
    expect(await panel.textContent()).not.toContain('cluster-secret')
    await shot('dashboard-remotes')
    await row.getByRole('button', { name: 'Remove target lab' }).click()
    await page.locator('dialog[open] button.btn-danger').click()
    await expect.poll(() => panel.textContent()).toContain('No targets yet')
  })

  it('looks right in dark mode too, and nothing threw in the page', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    for (const [key, name, heading] of [
      ['1', 'files', 'Files'],
      ['2', 'pins', 'Pins'],
      ['3', 'developer', 'Developer'],
      ['4', 'dashboard', 'Dashboard'],
    ] as const) {
      await go(key, heading)
      await expect.poll(() => page.locator('.loading').count()).toBe(0)
      await shot(`${name}-dark`)
    }
    expect(pageErrors).toEqual([])
  })
})
