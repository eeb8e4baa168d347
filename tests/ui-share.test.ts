// The sharing UI in a real browser (Debian's Chromium through playwright-core) against a real core: one Share
// action per file. A public file added in the window offers the public gateway link built from the owner's
// template (and says it is not reachable from the network on this local-only node), a link for this computer
// with no QR code, and, LAN sharing being off, a one-click "Turn on LAN sharing" after which its LAN link
// opens in a second browser that has no session. A private file opens for its owner (a short-lived signed
// link, never the gateway that 404s it); its signed LAN link opens in the second browser; "Revoke all links…"
// says how many links stop working before it revokes, and the recipient's browser then shows the page that
// says the link was revoked. "Make public…" asks first and then the gateway serves it; the Dashboard's
// "Back up" warns what the archive holds, explains restoring, and lets the browser download it through a
// one-time link (never a blob the page held); the Private switch makes uploads private.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CarWriter } from '@ipld/car'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../src/main/core/binaries.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { openRowMenu } from './fixtures/row-menu.js'
import { tempDir } from './fixtures/tmp.js'

const ROOT = projectRoot()
const CHROMIUM = process.env.TACK_CHROMIUM ?? '/usr/bin/chromium'
const TEMPLATE = 'https://gw.example.test/ipfs/{cid}?via=tack'

let tack: TestTack
let browser: Browser
let context: BrowserContext
/** Someone the links are sent to: another browser profile, no session, no cookies. */
let recipient: BrowserContext
let page: Page
const bytes = Buffer.from(`secret notes ${randomBytes(16).toString('hex')}\n`)
let cid = ''
const scratch = tempDir('tack-ui-share-')

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html')))
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 })
  if (!existsSync(CHROMIUM))
    execFileSync('bash', [join(ROOT, 'scripts', 'ensure-debian-packages.sh')], { stdio: 'inherit' })
  tack = await startTack({ config: { lanPort: 0 } })
  const set = await tack.api('/api/settings', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ gatewayTemplate: TEMPLATE }),
  })
  expect(set.status).toBe(200)
  const res = await tack.api('/api/files?name=secret-notes.txt&private=true', { method: 'PUT', body: bytes })
  cid = ((await res.json()) as { cid: string }).cid
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
  context = await browser.newContext({ viewport: { width: 1280, height: 820 }, acceptDownloads: true })
  recipient = await browser.newContext()
  page = await context.newPage()
  await page.goto(tack.core.loginUrl())
  await page.locator('h1', { hasText: 'Files' }).waitFor()
}, 400_000)

afterAll(async () => {
  await browser?.close()
  await tack?.destroy()
  scratch.remove()
})

/** Every QR code in the open dialog encodes a link another device can open: never this computer's loopback. */
async function qrLinks(): Promise<string[]> {
  const texts = await page.locator('dialog[open] .qr figcaption').allTextContents()
  for (const t of texts) expect(t).not.toMatch(/127\.0\.0\.1|localhost|\[::1\]/)
  return texts
}

describe('sharing in the browser', () => {
  const row = () => page.locator(`tr[data-cid="${cid}"]`)
  const dialog = () => page.locator('dialog[open]').first()
  const publicText = `public notes ${randomBytes(8).toString('hex')}`
  let publicCid = ''

  it('add → Share: the public gateway link is the template with the CID, said to be unreachable on a local node', async () => {
    await page.getByTestId('file-input').setInputFiles({
      name: 'public-notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(publicText),
    })
    const added = page.locator('tr[data-cid]', { has: page.locator('.file-name', { hasText: 'public-notes.txt' }) })
    await expect.poll(() => added.count(), { timeout: 20_000 }).toBe(1)
    publicCid = (await added.getAttribute('data-cid'))!
    await added.getByRole('button', { name: 'Share public-notes.txt' }).click()
    const share = dialog().locator('[data-testid="share-public"]')
    const expected = TEMPLATE.replace('{cid}', publicCid)
    await expect.poll(() => share.locator('code').textContent()).toBe(expected)
    expect(await share.getByRole('link', { name: 'Open' }).getAttribute('href')).toBe(expected)
    expect(await share.getByRole('note').textContent()).toContain('local-only')
    // Not reachable from the network: no QR code for it; nor for the link that opens on this computer only.
    expect(await share.locator('.qr').count()).toBe(0)
    const local = dialog().locator('[data-testid="share-local"]')
    expect(await local.textContent()).toContain('Opens on this computer only')
    expect(await local.locator('.qr').count()).toBe(0)
    expect(await qrLinks()).toEqual([])
  })

  it('LAN off: one click turns it on, and the LAN link opens in another browser', async () => {
    expect(await dialog().textContent()).toContain('LAN sharing is off')
    await dialog().getByRole('button', { name: 'Turn on LAN sharing' }).click()
    const lan = dialog().locator('[data-testid="share-lan"]')
    await expect.poll(() => lan.locator('.qr img').count(), { timeout: 20_000 }).toBe(1)
    const [lanLink] = await qrLinks()
    expect(lanLink).toBe(await lan.locator('.qr figcaption').textContent())
    expect(new URL(lanLink!).pathname).toBe(`/api/gateway/${publicCid}`)
    const other = await recipient.newPage()
    const res = await other.goto(lanLink!)
    expect(res?.status()).toBe(200)
    expect(await other.locator('body').textContent()).toBe(publicText)
    await other.close()
    await page.keyboard.press('Escape')
  })

  it('a private file: the owner opens it without a public link; its signed LAN link opens in another browser', async () => {
    await expect.poll(() => row().locator('.badge', { hasText: 'Private' }).count()).toBe(1)
    // Open is no gateway link (that would be 404): it opens a short-lived signed link in a new tab.
    const menu = await openRowMenu(row())
    const open = menu.getByRole('menuitem', { name: 'Open secret-notes.txt' })
    expect(await open.getAttribute('href')).toBeNull()
    const [tab] = await Promise.all([context.waitForEvent('page'), open.click()])
    await tab.waitForURL(new RegExp(`/api/links/${cid}\\?`))
    expect(await tab.locator('body').textContent()).toBe(bytes.toString())
    await tab.close()

    await row().getByRole('button', { name: 'Share secret-notes.txt' }).click()
    expect(await dialog().locator('[data-testid="share-public"]').count()).toBe(0)
    await dialog().getByLabel('Link expiry').selectOption({ label: '1 hour' })
    await dialog().getByRole('button', { name: 'Create signed link' }).click()
    const lan = dialog().locator('[data-testid="share-signed-lan"]')
    await expect.poll(() => lan.locator('.qr img').count()).toBe(1)
    expect(await lan.textContent()).toContain('Opens on phones and computers on your network')
    const local = dialog().locator('[data-testid="share-signed-local"]')
    expect(await local.textContent()).toContain('Opens on this computer only')
    expect(await local.locator('.qr').count()).toBe(0)
    const [signed] = await qrLinks()
    expect(new URL(signed!).pathname).toBe(`/api/links/${cid}`)
    const other = await recipient.newPage()
    const opened = await other.goto(signed!)
    expect(opened?.status()).toBe(200)
    expect(await other.locator('body').textContent()).toBe(bytes.toString())

    // Revoke all: the confirmation says how many links stop working (the owner's view and the one just made).
    await dialog().getByRole('button', { name: 'Revoke all links…' }).click()
    const confirm = page.getByRole('dialog', { name: 'Revoke every link to this file?' })
    await expect.poll(() => confirm.textContent()).toContain('2 signed links to this file will stop working')
    expect((await fetch(signed!)).status).toBe(200)
    await confirm.getByRole('button', { name: 'Revoke all links' }).click()
    await expect.poll(async () => (await fetch(signed!)).status).toBe(403)
    // The recipient's browser shows a page in words, not JSON.
    const again = await other.reload()
    expect(again?.status()).toBe(403)
    expect(again?.headers()['content-type']).toMatch(/^text\/html/)
    expect(await other.locator('h1').textContent()).toBe('This link no longer works')
    expect(await other.locator('body').textContent()).toContain('has revoked the link')
    await other.close()
  })

  it('"Make public…" asks first, then the gateway serves it', async () => {
    const dialog = page.locator('dialog[open]')
    expect((await fetch(`${tack.url}/api/gateway/${cid}`)).status).toBe(404)
    await dialog.getByRole('button', { name: 'Make public…' }).click()
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('Anyone who knows its CID')
    expect((await fetch(`${tack.url}/api/gateway/${cid}`)).status).toBe(404)
    await dialog.getByRole('button', { name: 'Make public', exact: true }).click()
    await expect.poll(() => row().locator('.badge', { hasText: 'Private' }).count()).toBe(0)
    const res = await fetch(`${tack.url}/api/gateway/${cid}`)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
  })

  it('"Make private…" asks first, then only signed links serve it', async () => {
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0)
    const name = (await row().locator('.file-name').textContent())!.trim()
    await row().getByRole('button', { name: `Share ${name}` }).click()
    const dialog = page.locator('dialog[open]')
    await dialog.getByRole('button', { name: 'Make private…' }).click()
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('stop working')
    expect((await fetch(`${tack.url}/api/gateway/${cid}`)).status).toBe(200)
    await dialog.getByRole('button', { name: 'Make private', exact: true }).click()
    await expect.poll(() => row().locator('.badge', { hasText: 'Private' }).count()).toBe(1)
    expect((await fetch(`${tack.url}/api/gateway/${cid}`)).status).toBe(404)
    // Public again for the tests below, which count the private files.
    const back = await tack.api(`/api/files/${cid}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ private: false }),
    })
    expect(back.status).toBe(200)
    await page.keyboard.press('Escape')
  })

  it('"Back up" says what the archive holds and how to restore, then the browser itself downloads it once', async () => {
    await page.locator('body').press('4')
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Dashboard')
    await page.getByRole('button', { name: 'Back up' }).click()
    const warning = await dialog().locator('.warning').textContent()
    for (const held of ['private ones included', 'API key hashes', 'secrets of signed links', 'credentials'])
      expect(warning).toContain(held)
    await dialog().getByText('How to restore').click()
    const help = await dialog().locator('.restore-help').textContent()
    expect(help).toContain('while Tack is stopped')
    expect(help).toContain('tack import BACKUP.tar --merge')
    expect(help).toContain('--keys same-scopes')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog().getByRole('button', { name: 'Download backup' }).click(),
    ])
    // The browser's own download fetched it from the core (a blob: URL would mean the page held it whole).
    const url = download.url()
    expect(url.startsWith(`${tack.url}/api/export/download?ticket=`)).toBe(true)
    expect(download.suggestedFilename()).toMatch(/^tack-backup-.*\.tar$/)
    const tar = readFileSync(await download.path())
    expect(tar.includes(Buffer.from('manifest.json'))).toBe(true)
    expect(tar.includes(Buffer.from('"format": "tack-backup"'))).toBe(true)
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0)
    // The link worked once: a second fetch of it, or a made-up ticket, is refused.
    for (const again of [url, `${tack.url}/api/export/download?ticket=made-up`]) {
      const res = await fetch(again)
      expect(res.status).toBe(401)
      expect(((await res.json()) as { error: { reason: string } }).error.reason).toBe('UNAUTHORIZED')
    }
    // Asking for a link takes the session's credentials, as the archive itself does.
    expect((await fetch(`${tack.url}/api/export/link`, { method: 'POST' })).status).toBe(401)
  })

  it('"Restore from a backup…" says what a merge takes, then brings a deleted file back and says what it added', async () => {
    const name = `restore-me-${randomBytes(4).toString('hex')}.txt`
    const put = await tack.api(`/api/files?name=${name}`, { method: 'PUT', body: `bring me back ${name}\n` })
    const restoredCid = ((await put.json()) as { cid: string }).cid
    const exported = await tack.api('/api/export')
    expect(exported.status).toBe(200)
    const file = join(scratch.path, 'backup.tar')
    writeFileSync(file, Buffer.from(await exported.arrayBuffer()))
    expect((await tack.api(`/api/files/${restoredCid}`, { method: 'DELETE' })).status).toBe(204)
    await page.locator('body').press('4')
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Dashboard')
    await page.getByRole('button', { name: 'Back up' }).click()
    await dialog().getByTestId('restore-input').setInputFiles(file)
    await expect.poll(() => dialog().getAttribute('aria-label')).toBe('Restore from a backup')
    const rules = await dialog().locator('.restore-rules').textContent()
    expect(rules).toContain('checked against its CID')
    expect(rules).toContain('settings')
    expect(rules).toContain('stays private')
    expect(await dialog().getByLabel('API keys from the archive').inputValue()).toBe('none')
    await dialog().getByRole('button', { name: 'Restore', exact: true }).click()
    const result = dialog().getByTestId('restore-result')
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toContain('Restored.')
    expect(await result.textContent()).toContain('Added 1 file record')
    expect(await result.textContent()).toMatch(/\d+ items? already here/)
    await dialog().getByRole('button', { name: 'Done' }).click()
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0)
    await page.locator('body').press('1')
    await expect.poll(() => page.locator(`tr[data-cid="${restoredCid}"] .file-name`).textContent()).toBe(name)
  })

  it('the Private switch before an upload makes it private', async () => {
    await page.locator('body').press('1')
    await page.locator('h1', { hasText: 'Files' }).waitFor()
    await page.getByRole('checkbox', { name: 'Private' }).check()
    const picked = randomBytes(3000)
    await page.getByTestId('file-input').setInputFiles({
      name: 'picked.bin',
      mimeType: 'application/octet-stream',
      buffer: picked,
    })
    const pickedRow = page.locator('tr[data-cid]', { has: page.locator('.file-name', { hasText: 'picked.bin' }) })
    await expect.poll(() => pickedRow.locator('.badge', { hasText: 'Private' }).count(), { timeout: 20_000 }).toBe(1)
    const pickedCid = (await pickedRow.getAttribute('data-cid'))!
    expect((await fetch(`${tack.url}/api/gateway/${pickedCid}`)).status).toBe(404)
    const record = (await (await tack.api(`/api/files/${pickedCid}`)).json()) as { private: boolean }
    expect(record.private).toBe(true)
    await page.getByRole('checkbox', { name: 'Private' }).uncheck()
    // The filter shows only private files, then all again.
    await page.getByLabel('Show private or public files').selectOption({ label: 'Private' })
    await expect.poll(() => page.locator('tr[data-cid]').count()).toBe(1)
    expect(await page.locator('tr[data-cid]').getAttribute('data-cid')).toBe(pickedCid)
    await page.getByLabel('Show private or public files').selectOption({ label: 'All' })
    await expect.poll(() => page.locator('tr[data-cid]').count()).toBeGreaterThan(1)
  })

  it('"Import .car as CAR" sends a picked .car file as a CAR: the entry is its root', async () => {
    const payload = randomBytes(2000)
    const root = CID.createV1(0x55, await sha256.digest(payload))
    const { writer, out } = CarWriter.create([root])
    const chunks: Uint8Array[] = []
    const reading = (async () => {
      for await (const c of out) chunks.push(c)
    })()
    await writer.put({ cid: root, bytes: payload })
    await writer.close()
    await reading
    await page.getByRole('checkbox', { name: 'Import .car as CAR' }).check()
    await page.getByTestId('file-input').setInputFiles({
      name: 'block.car',
      mimeType: 'application/octet-stream',
      buffer: Buffer.concat(chunks),
    })
    await expect.poll(() => page.locator(`tr[data-cid="${root}"]`).count(), { timeout: 20_000 }).toBe(1)
    const served = await fetch(`${tack.url}/api/gateway/${root}`)
    expect(Buffer.from(await served.arrayBuffer()).equals(payload)).toBe(true)
    await page.getByRole('checkbox', { name: 'Import .car as CAR' }).uncheck()
  })
})
