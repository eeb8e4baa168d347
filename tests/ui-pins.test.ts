// The Pins page, live truth and keys in a real browser (Chromium through playwright-core) against a real core
// (Kubo, MinIO, SQLite in a temp dir): the "no pins yet" state; 230 pins (identity CIDs, pinned at once) sorted
// by name, created and status, paged at a chosen size, found by any part of a CID, a refused filter that
// leaves no old rows; select-all and one bulk removal that names what goes, then the distinct "no match"
// state; a view count that rises on the Files page after a gateway access without a reload; the owner making
// a key for another account and seeing it; the revoke warning for the key the page shows; quota refusals of
// pins in plain words; axe-core (serious/critical) on the Pins page and the new dialogs, light and dark; the
// Live dot going red when the core stops. Screenshots go to /tmp/tack-ui-pins/.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../src/main/core/binaries.js'
import type { PinResults, PinStatus } from '../src/shared/psa.js'
import { unfindableCid } from './fixtures/cids.js'
import { startTack, type TestTack } from './fixtures/core.js'

const ROOT = projectRoot()
const SHOTS = '/tmp/tack-ui-pins'
const CHROMIUM = process.env.TACK_CHROMIUM ?? '/usr/bin/chromium'
const PINS = 230

let tack: TestTack
let browser: Browser
let page: Page
const pageErrors: string[] = []

function ensureBuild() {
  if (existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) return
  execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 })
}

async function shot(name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' })
}

async function go(key: '1' | '2' | '3' | '4', heading: string) {
  await page.locator('h1').first().click()
  await page.locator('body').press(key)
  await expect.poll(() => page.locator('h1').first().textContent()).toBe(heading)
  await expect.poll(() => page.locator('.loading').count()).toBe(0)
}

async function axe(where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${where}: ${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary}`))
}

const rows = () => page.locator('tr[data-requestid]')
const firstNames = async (n: number) =>
  (await rows().locator('.file-name').allTextContents()).slice(0, n).map((s) => s.trim())
const pager = () => page.locator('.pager [aria-live]')

/** An identity CID (the bytes are the CID): Tack pins it at once, with nothing to fetch. */
const identityCid = (text: string) => CID.create(1, raw.code, identity.digest(Buffer.from(text))).toString()

async function addPin(cid: string, name: string, key?: string): Promise<PinStatus> {
  const res = await tack.api('/api/pinning/pins', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cid, name }),
    key,
  })
  expect(res.status, await res.clone().text()).toBe(202)
  return (await res.json()) as PinStatus
}

async function serverCount(query = 'status=queued,pinning,pinned,failed'): Promise<number> {
  return ((await (await tack.api(`/api/pinning/pins?${query}&limit=1`)).json()) as PinResults).count
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  ensureBuild()
  tack = await startTack()
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  })
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (err) => pageErrors.push(String(err)))
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text())
  })
}, 400_000)

afterAll(async () => {
  await browser?.close()
  await tack?.destroy()
})

describe('the Pins page, live truth and keys in a real browser', () => {
  const cids: string[] = []

  it('signs in, shows the Live dot green and an empty Pins page as "No pins yet"', async () => {
    await page.goto(tack.core.loginUrl())
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Files')
    await expect.poll(() => page.locator('[data-live]').getAttribute('data-live')).toBe('on')
    await go('2', 'Pins')
    await expect.poll(() => page.locator('.empty h3').textContent()).toBe('No pins yet')
  })

  it('lists 230 pins, pages them at a chosen size and sorts by name, created and status', async () => {
    for (let i = 0; i < PINS; i += 23) {
      const batch = Array.from({ length: Math.min(23, PINS - i) }, (_, j) => i + j)
      const made = await Promise.all(
        batch.map((n) =>
          addPin(identityCid(`${String(n).padStart(3, '0')} tack ui pin`), `item-${String(n).padStart(3, '0')}`),
        ),
      )
      cids.push(...made.map((p) => p.pin.cid))
    }
    expect(new Set(cids).size).toBe(PINS)
    // One that cannot be found: it stays queued or pinning, for the status sort.
    await addPin(await unfindableCid(), 'zz-waiting')
    await page.reload()
    await expect.poll(() => pager().textContent(), { timeout: 15_000 }).toMatch(/^1–20 of 231 · page 1 of 12$/)
    expect(await rows().count()).toBe(20)

    await page.getByLabel('Rows per page').selectOption('50')
    await expect.poll(() => rows().count()).toBe(50)
    expect(await pager().textContent()).toMatch(/^1–50 of 231 · page 1 of 5$/)
    await page.getByRole('button', { name: 'Last »' }).click()
    await expect.poll(() => rows().count()).toBe(31)
    expect(await pager().textContent()).toMatch(/^201–231 of 231 · page 5 of 5$/)
    await page.getByRole('button', { name: '« First' }).click()

    const header = (name: string) => page.locator('th', { has: page.getByRole('button', { name }) })
    await page.getByRole('button', { name: 'Name' }).click()
    expect(await header('Name').getAttribute('aria-sort')).toBe('ascending')
    expect(await firstNames(3)).toEqual(['item-000', 'item-001', 'item-002'])
    await page.getByRole('button', { name: 'Name' }).click()
    expect(await header('Name').getAttribute('aria-sort')).toBe('descending')
    expect(await firstNames(2)).toEqual(['zz-waiting', 'item-229'])
    await page.getByRole('button', { name: 'Status' }).click()
    expect(await rows().first().getAttribute('data-status')).toMatch(/^(queued|pinning)$/)
    expect(await rows().nth(1).getAttribute('data-status')).toBe('pinned')
    await page.getByRole('button', { name: 'Created' }).click()
    expect(await header('Created').getAttribute('aria-sort')).toBe('descending')
    expect(await firstNames(1)).toEqual(['zz-waiting'])
    await shot('pins-sorted')
  })

  it('finds a pin by a prefix or any part of its CID, and says when nothing matches', async () => {
    const cidField = page.getByRole('searchbox', { name: 'Search by any part of a CID' })
    const target = cids[137]!
    // The shortest prefix no other pin shares: the table shows shortened CIDs, so prefixes are what people type.
    let n = 6
    while (cids.filter((c) => c.startsWith(target.slice(0, n))).length > 1) n++
    expect(n).toBeLessThan(target.length)
    await cidField.fill(target.slice(0, n))
    await expect.poll(() => rows().count()).toBe(1)
    expect(await rows().getAttribute('data-cid')).toBe(target)
    // A part from inside the CID, not its start, that only this CID holds.
    const part = target.slice(4, n + 2)
    expect(cids.filter((c) => c.includes(part))).toEqual([target])
    await cidField.fill(part)
    await expect.poll(() => rows().count()).toBe(1)
    expect(await rows().getAttribute('data-cid')).toBe(target)
    await cidField.fill('bafkqa')
    await expect.poll(() => pager().textContent()).toMatch(/ of 230 · /)
    await cidField.fill('not-in-any-cid')
    await expect.poll(() => page.locator('.empty h3').textContent()).toBe('No pins match these filters')
    expect(await rows().count()).toBe(0)
    await shot('pins-no-match')
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await expect.poll(() => rows().count()).toBe(50)
  })

  it('clears the old rows when the server refuses a filter', async () => {
    await page.getByRole('searchbox', { name: 'Name' }).fill('x'.repeat(300))
    await expect.poll(() => page.locator('.error-box').count()).toBe(1)
    expect(await page.locator('.error-box').textContent()).toMatch(/name is longer than 255/)
    expect(await rows().count()).toBe(0)
    await page.getByRole('searchbox', { name: 'Name' }).fill('')
    await expect.poll(() => rows().count()).toBe(50)
    expect(await page.locator('.error-box').count()).toBe(0)
  })

  it('makes the Pins table one tab stop: arrows move between rows and within a row, Space selects', async () => {
    await expect.poll(() => rows().count()).toBe(50)
    expect(await page.locator('tbody [data-cell][tabindex="0"]').count()).toBe(1)
    const ids = await Promise.all((await rows().all()).slice(0, 2).map((r) => r.getAttribute('data-requestid')))
    /** The focused control: its row and its name (or its class, for the name cell). */
    const focused = () =>
      page.evaluate(() => {
        interface El {
          getAttribute(name: string): string | null
          closest(selector: string): El | null
        }
        const el = (globalThis as unknown as { document: { activeElement: El | null } }).document.activeElement
        const name = el?.getAttribute('aria-label') ?? el?.getAttribute('class') ?? ''
        return `${el?.closest('tr')?.getAttribute('data-requestid') ?? 'outside'}|${name}`
      })
    await rows().first().getByRole('checkbox').focus()
    await page.keyboard.press('Space')
    await expect.poll(() => rows().first().getAttribute('data-selected')).toBe('true')
    await page.keyboard.press('ArrowDown')
    expect(await focused()).toMatch(new RegExp(`^${ids[1]}\\|Select `))
    await page.keyboard.press('ArrowRight')
    expect(await focused()).toBe(`${ids[1]}|name-cell`)
    await page.keyboard.press('End')
    expect(await focused()).toMatch(new RegExp(`^${ids[1]}\\|More actions for `))
    await page.keyboard.press('Enter')
    await expect.poll(focused).toMatch(new RegExp(`^${ids[1]}\\|Details of `))
    await page.keyboard.press('End')
    expect(await focused()).toMatch(new RegExp(`^${ids[1]}\\|Remove pin `))
    await page.keyboard.press('Escape')
    await expect.poll(() => rows().nth(1).getByRole('menu').count()).toBe(0)
    expect(await focused()).toMatch(new RegExp(`^${ids[1]}\\|More actions for `))
    await page.keyboard.press('ArrowUp')
    expect(await focused()).toMatch(new RegExp(`^${ids[0]}\\|More actions for `))
    expect(await page.locator('tbody [data-cell][tabindex="0"]').count()).toBe(1)
    await page.getByRole('button', { name: 'Clear selection' }).click()
    await expect.poll(() => page.locator('.select-bar').count()).toBe(0)
  })

  it('selects a page, then every match, and removes them after one confirmation that names what goes', async () => {
    await page.getByRole('searchbox', { name: 'Name' }).fill('item-1')
    // item-100 … item-199 (names are item-000 … item-229)
    await expect.poll(() => pager().textContent()).toMatch(/^1–50 of 100 · /)
    await page.getByRole('checkbox', { name: /^Select the 50 pins on this page/ }).check()
    await expect.poll(() => page.locator('.select-bar').textContent()).toMatch(/50 selected/)
    await page.getByRole('button', { name: 'Select all 100 that match' }).click()
    await expect.poll(() => page.locator('.select-bar').textContent()).toMatch(/100 selected/)
    await page.getByRole('button', { name: 'Remove 100 selected' }).click()
    const dialog = page.locator('dialog[open]')
    expect(await dialog.locator('h2, h1').first().textContent()).toBe('Remove 100 pins?')
    expect(await dialog.locator('.bulk-list li').count()).toBe(9)
    expect(await dialog.locator('.bulk-list').textContent()).toContain('and 92 more')
    await shot('pins-bulk-dialog')
    const found: string[] = []
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      found.push(...(await axe(`bulk remove dialog (${scheme})`)))
    }
    await page.emulateMedia({ colorScheme: 'light' })
    expect(found).toEqual([])
    await dialog.getByRole('button', { name: 'Remove 100 pins' }).click()
    await expect
      .poll(() => page.locator('.empty h3').textContent(), { timeout: 30_000 })
      .toBe('No pins match these filters')
    expect(await serverCount('name=item-1&match=partial&status=queued,pinning,pinned,failed')).toBe(0)
    expect(await serverCount()).toBe(PINS + 1 - 100)
    await page.getByRole('searchbox', { name: 'Name' }).fill('')
    await expect.poll(() => pager().textContent()).toMatch(/ of 131 · /)
  })

  it('has no serious or critical axe-core violation on the Pins page with a selection, light and dark', async () => {
    await rows().first().getByRole('checkbox').check()
    const found: string[] = []
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      found.push(...(await axe(`Pins (${scheme})`)))
      await shot(`pins-${scheme}`)
    }
    await page.emulateMedia({ colorScheme: 'light' })
    await rows().first().getByRole('checkbox').uncheck()
    expect(found).toEqual([])
  })

  it('refuses pins over the quota in plain words', async () => {
    const upload = await tack.api('/api/files?name=big.txt&pin=true', { method: 'PUT', body: 'x'.repeat(3000) })
    const { cid } = (await upload.json()) as { cid: string }
    await expect
      .poll(async () => ((await (await tack.api(`/api/files/${cid}`)).json()) as { state: string }).state, {
        timeout: 30_000,
      })
      .toBe('pinned')
    tack.core.state.accounts.create('small', 1024)
    const key = tack.keyFor('small', ['pins:read', 'pins:write'])
    const refused = await addPin(cid, 'too big', key)
    expect(refused.status).toBe('failed')
    expect(refused.info?.status_details).toBe('INSUFFICIENT_FUNDS: pinning this needs 2.9 KiB; 1 KiB left of 1 KiB')
  })

  it('raises a view count on the Files page live after a gateway access, without a reload', async () => {
    const up = await tack.api('/api/files?name=view-me.txt', { method: 'PUT', body: 'look at me' })
    const { cid } = (await up.json()) as { cid: string }
    await go('1', 'Files')
    const views = page.locator(`tr[data-cid="${cid}"] .col-views`)
    await expect.poll(() => views.textContent(), { timeout: 10_000 }).toBe('0')
    await page.evaluate(() => ((globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true))
    for (let i = 0; i < 3; i++) expect((await fetch(`${tack.url}/api/gateway/${cid}`)).status).toBe(200)
    await expect.poll(() => views.textContent(), { timeout: 10_000 }).toBe('3')
    expect(await page.evaluate(() => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true)
  })

  it('lets the owner make a key for another account, see it, and warns before revoking the key it shows', async () => {
    tack.core.state.accounts.create('bob')
    await go('3', 'Developer')
    await page.getByLabel('Key name').fill('bobs-laptop')
    await page.getByLabel('For account').selectOption('bob')
    await page.getByRole('button', { name: 'Create key' }).click()
    await expect.poll(() => page.locator('[data-secret]').count()).toBe(1)
    const bob = tack.core.state.accounts.list().find((a) => a.name === 'bob')!
    expect(tack.core.state.keys.list(bob.id).map((k) => k.name)).toEqual(['bobs-laptop'])
    const item = page.locator('li[data-key-id]', { hasText: 'bobs-laptop' })
    expect(await item.locator('.account-tag').textContent()).toBe('bob')
    await page.getByLabel('Keys of').selectOption({ label: 'bob' })
    await expect.poll(() => page.locator('li[data-key-id]').count()).toBe(1)
    await item.getByRole('button', { name: 'Revoke bobs-laptop' }).click()
    const dialog = page.locator('dialog[open]')
    expect(await dialog.textContent()).toMatch(/the commands on this page use it and will stop working/)
    expect(await dialog.textContent()).toContain('(account bob)')
    await shot('revoke-shown-key')
    const found: string[] = []
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      found.push(...(await axe(`revoke dialog (${scheme})`)))
    }
    await page.emulateMedia({ colorScheme: 'light' })
    await dialog.getByRole('button', { name: 'Keep it' }).click()
    found.push(...(await axe('Developer (light)')))
    await shot('developer-keys')
    expect(found).toEqual([])
    expect(tack.core.state.keys.list(bob.id).every((k) => !k.revoked)).toBe(true)
    expect(pageErrors).toEqual([])
  })

  it('signs out cleanly when the API stops accepting the session, and signs in again with a fresh link', async () => {
    // The session ends behind the page's back (the cookie is HttpOnly: only a request from the page carries it,
    // with the page token from this tab's sessionStorage).
    const ended = await page.evaluate(async () => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } })
        .sessionStorage
      const token = storage.getItem('tack.pageToken') ?? ''
      return (await fetch('/api/session', { method: 'DELETE', headers: { 'x-tack-session': token } })).status
    })
    expect(ended).toBeLessThan(300)
    await expect.poll(() => page.getByTestId('signed-out').count(), { timeout: 15_000 }).toBe(1)
    expect(await page.locator('h1').first().textContent()).toBe('Sign in to Tack')
    await page.goto(tack.core.loginUrl())
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Files')
    await expect.poll(() => page.locator('[data-live]').getAttribute('data-live'), { timeout: 10_000 }).toBe('on')
    expect(pageErrors).toEqual([])
  })

  it('turns the Live dot red when the core stops', async () => {
    expect(await page.locator('[data-live]').getAttribute('data-live')).toBe('on')
    await tack.stop()
    await expect.poll(() => page.locator('[data-live]').getAttribute('data-live'), { timeout: 15_000 }).toBe('down')
    expect(await page.locator('[data-live]').textContent()).toMatch(/Offline/)
    await shot('live-down')
  })
})
