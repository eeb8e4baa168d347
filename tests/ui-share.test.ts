// The private-file and sharing UI in a real browser (Debian's Chromium through playwright-core) against a real
// core: a private upload shows its badge, the Share link dialog makes a link (QR of the LAN URL) that serves
// the bytes without a key, "Revoke all links" ends it, "Make public…" asks first and then the gateway serves
// it; the Dashboard's "Back up" downloads an archive with its manifest; the Private switch makes uploads private.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CarWriter } from '@ipld/car'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../src/main/core/binaries.js'
import { startTack, type TestTack } from './fixtures/core.js'

const ROOT = projectRoot()
const CHROMIUM = process.env.TACK_CHROMIUM ?? '/usr/bin/chromium'

let tack: TestTack
let browser: Browser
let page: Page
const bytes = randomBytes(40_000)
let cid = ''

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html')))
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 })
  if (!existsSync(CHROMIUM))
    execFileSync('bash', [join(ROOT, 'scripts', 'ensure-debian-packages.sh')], { stdio: 'inherit' })
  tack = await startTack({ config: { lan: true, lanPort: 0 } })
  const res = await tack.api('/api/files?name=secret-notes.bin&private=true', { method: 'PUT', body: bytes })
  cid = ((await res.json()) as { cid: string }).cid
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, acceptDownloads: true })
  page = await context.newPage()
  await page.goto(tack.core.loginUrl())
  await page.locator('h1', { hasText: 'Files' }).waitFor()
}, 400_000)

afterAll(async () => {
  await browser?.close()
  await tack?.destroy()
})

describe('private files and sharing in the browser', () => {
  const row = () => page.locator(`tr[data-cid="${cid}"]`)

  it('shows the Private badge, and a share link (with its QR code) serves the file without a key', async () => {
    await expect.poll(() => row().locator('.badge', { hasText: 'Private' }).count()).toBe(1)
    await row().getByRole('button', { name: 'Share link of secret-notes.bin' }).click()
    const dialog = page.locator('dialog[open]')
    await dialog.getByLabel('Link expiry').selectOption({ label: '1 hour' })
    await dialog.getByRole('button', { name: 'Create link' }).click()
    const img = dialog.locator('[data-testid="signed-link"] img')
    await expect.poll(() => img.count()).toBe(1)
    const shown = (await dialog.locator('[data-testid="signed-link"] figcaption').textContent())!
    const url = new URL(shown)
    expect(url.pathname).toBe(`/api/links/${cid}`)
    // The LAN URL (sharing is on); fetched here through loopback on the LAN listener's port.
    const local = `http://127.0.0.1:${url.port}${url.pathname}${url.search}`
    const res = await fetch(local)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
    await dialog.getByRole('button', { name: 'Revoke all links' }).click()
    await expect.poll(async () => (await fetch(local)).status).toBe(403)
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

  it('the Dashboard "Back up" button downloads the archive', async () => {
    await page.locator('body').press('4')
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Dashboard')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Back up' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^tack-backup-.*\.tar$/)
    const saved = await download.path()
    const tar = readFileSync(saved)
    expect(tar.includes(Buffer.from('manifest.json'))).toBe(true)
    expect(tar.includes(Buffer.from('"format": "tack-backup"'))).toBe(true)
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
