// Pins in a real browser (Chromium through playwright-core) against a real core (Kubo, MinIO, SQLite in a
// temp dir): a pin that failed over quota reads its reason in words and is retried from its row after the
// quota is raised, turning pinned with an Open link; a pin's details show its origins, where it stands at a
// forwarding target that is down (a closed loopback port) and its timeline; the Dashboard's "since" is the
// server's failingSince; at 900 px the Pins table does not scroll sideways and every remove button is in
// view; axe-core (serious/critical) on the page and the details dialog, light and dark.
// Screenshots go to /tmp/tack-ui-pin-details/. Needs the renderer built (`npx electron-vite build`).
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PinStatus } from '../src/shared/psa.js'
import { strangerPeerId, unfindableCid } from './fixtures/cids.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { chooseFromRowMenu, openRowMenu } from './fixtures/row-menu.js'
import { waitFor } from './fixtures/processes.js'

const SHOTS = '/tmp/tack-ui-pin-details'
const CHROMIUM = process.env.TACK_CHROMIUM ?? '/usr/bin/chromium'

let tack: TestTack
let browser: Browser
let page: Page
const pageErrors: string[] = []

async function go(key: '2' | '4', heading: string) {
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

async function pinVia(body: Record<string, unknown>): Promise<PinStatus> {
  const res = await tack.api('/api/pinning/pins', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(res.status, await res.clone().text()).toBe(202)
  return (await res.json()) as PinStatus
}
const pinNow = async (requestid: string) =>
  (await (await tack.api(`/api/pinning/pins/${requestid}`)).json()) as PinStatus

/** An identity CID (the bytes are the CID): pinned at once, nothing to fetch. */
const identityText = (text: string) => CID.create(1, raw.code, identity.digest(Buffer.from(text))).toString()

/** Bytes in Tack's Kubo, not pinned: a pin of their CID finds them at once. */
async function addToKubo(bytes: Uint8Array): Promise<string> {
  const [added] = await tack.core.kubo.client.add(
    (async function* () {
      yield {
        path: 'data.bin',
        content: (async function* () {
          yield bytes
        })(),
      }
    })(),
  )
  return added!.Hash
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  tack = await startTack({ config: { remotePollMs: 200 } })
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  })
  // A zone away from UTC, so a time shown as the server wrote it (UTC) cannot pass for a local one.
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    timezoneId: 'Asia/Kolkata',
  })
  page = await context.newPage()
  page.on('pageerror', (err) => pageErrors.push(String(err)))
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text())
  })
  await page.goto(tack.core.loginUrl())
  await page.locator('h1', { hasText: 'Files' }).waitFor()
}, 400_000)

afterAll(async () => {
  await browser?.close()
  await tack?.destroy()
})

describe('pins: retry, details and forwarding state in a real browser', () => {
  it('a pin that failed over quota reads why in words and is retried from its row into pinned', async () => {
    const owner = tack.core.state.accounts.ensureOwner()
    const cid = await addToKubo(randomBytes(64 * 1024))
    tack.core.state.accounts.setQuota(owner.id, 1024)
    const pin = await pinVia({ cid, name: 'over-quota' })
    await waitFor(async () => ((await pinNow(pin.requestid)).status === 'failed' ? true : undefined), 'the pin to fail')
    await go('2', 'Pins')
    const row = page.locator(`tr[data-requestid="${pin.requestid}"]`)
    await expect.poll(() => row.getAttribute('data-status')).toBe('failed')
    const reason = (await row.locator('.fail-reason').textContent()) ?? ''
    expect(reason).toMatch(/^Over the account's storage quota: /)
    expect(reason).not.toContain('INSUFFICIENT_FUNDS')
    await page.screenshot({ path: join(SHOTS, 'failed.png'), fullPage: true })

    tack.core.state.accounts.setQuota(owner.id, null)
    await row.getByRole('button', { name: 'Retry over-quota' }).click()
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('pinned')
    const after = await pinNow(pin.requestid)
    expect(after.status).toBe('pinned')
    expect(after.created).toBe(pin.created)
    const open = row.getByRole('link', { name: 'Open over-quota at the gateway' })
    expect(await open.getAttribute('href')).toBe(`${tack.url}/api/gateway/${cid}`)
    expect((await fetch(`${tack.url}/api/gateway/${cid}`)).status).toBe(200)
  })

  it('the details dialog shows origins, the state at each forwarding target and a timeline', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const added = await tack.api('/api/remotes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'lab', kind: 'psa', url: `http://127.0.0.1:${port}/api`, token: 't' }),
    })
    expect(added.status).toBe(201)
    const origin = tack.core.kubo.identity()!.Addresses.find((a) => a.includes('/p2p/'))!
    const pin = await pinVia({ cid: 'bafkqaaa', name: 'with-origins', origins: [origin] })
    await waitFor(async () => (await pinNow(pin.requestid)).info?.['remote.lab.details'], 'the target state in the pin')

    await go('2', 'Pins')
    const row = page.locator(`tr[data-requestid="${pin.requestid}"]`)
    await expect
      .poll(() => row.locator('[data-target="lab"]').textContent())
      .toBe('lab: queued (lab unreachable; retrying)')
    await chooseFromRowMenu(row, 'Details of with-origins')
    const dialog = page.getByRole('dialog', { name: 'Pin “with-origins”' })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    expect(await dialog.locator('.origins').textContent()).toContain(origin)
    expect(await dialog.locator('[data-target="lab"]').getAttribute('data-target-status')).toBe('queued')
    expect(await dialog.locator('[data-target="lab"]').textContent()).toContain('lab unreachable; retrying')
    expect(await dialog.locator('.timeline li').allTextContents()).toEqual([
      expect.stringMatching(/^Created /),
      expect.stringMatching(/^Settled /),
    ])
    expect(await dialog.locator('.timeline time').first().getAttribute('dateTime')).toBe(pin.created)
    await page.screenshot({ path: join(SHOTS, 'details.png'), fullPage: true })
    const found = await axe('details dialog (light)')
    await page.emulateMedia({ colorScheme: 'dark' })
    found.push(...(await axe('details dialog (dark)')))
    await page.emulateMedia({ colorScheme: 'light' })
    expect(found).toEqual([])
    await dialog.getByRole('button', { name: 'Close' }).click()

    // The Dashboard's "since" is the server's failingSince, whenever this window first looked.
    const target = await waitFor(async () => {
      const { results } = (await (await tack.api('/api/remotes')).json()) as {
        results: Array<{ name: string; failingSince: string | null }>
      }
      const t = results.find((r) => r.name === 'lab')
      return t?.failingSince ? t : undefined
    }, 'failingSince')
    await go('4', 'Dashboard')
    const remoteRow = page.locator('tr[data-remote="lab"]')
    await expect
      .poll(() => remoteRow.locator('.remote-health time').getAttribute('dateTime'), { timeout: 15_000 })
      .toBe(target.failingSince)
    expect(await remoteRow.locator('.remote-health').textContent()).toContain(
      'nothing answers at that address (connection refused)',
    )
  })

  it('a waiting pin’s status detail reads its time as local, with the relative time on hover, in its row and its details', async () => {
    const pin = await pinVia({ cid: await unfindableCid(), name: 'time-words' })
    // The server writes its details with UTC ISO times ("searching for providers since …", "parked until …").
    await waitFor(async () => {
      const d = (await pinNow(pin.requestid)).info?.status_details
      return d && /\d{4}-\d\d-\d\dT/.test(d) ? d : undefined
    }, 'a status detail with a time')
    await go('2', 'Pins')
    const row = page.locator(`tr[data-requestid="${pin.requestid}"]`)
    const reason = row.locator('.pin-reason')
    await expect.poll(() => reason.locator('time').count(), { timeout: 30_000 }).toBeGreaterThan(0)
    for (const where of [reason, page.locator('dialog[open] .pin-details-reason')]) {
      if (where !== reason) await chooseFromRowMenu(row, 'Details of time-words')
      const time = where.locator('time').first()
      const iso = (await time.getAttribute('dateTime'))!
      // The page shows the server's UTC time in this browser's zone and words.
      expect(iso).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/)
      const local = await page.evaluate((t) => new Date(t).toLocaleString(), iso)
      expect(await time.textContent()).toBe(local)
      expect(local).not.toContain(iso.slice(11, 16)) // Kolkata is UTC+5:30: the UTC hour and minute are not it
      expect(await time.getAttribute('title')).toMatch(/ago|just now|^in /)
      expect(await where.textContent()).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/)
    }
    await page.keyboard.press('Escape')
    expect((await tack.api(`/api/pinning/pins/${pin.requestid}`, { method: 'DELETE' })).status).toBe(202)
  })

  it('at 900 px the Pins table does not scroll sideways and every remove button is in view; axe finds nothing', async () => {
    // The rows that pushed the table wide: a 250-character name without spaces, long meta, and a pin that waits
    // with a long reason (an origin that cannot be dialled, a search that started at some time).
    await pinVia({ cid: identityText('long'), name: 'n'.repeat(250), meta: { project: 'p'.repeat(120) } })
    const origin = `/ip4/127.0.0.1/tcp/9/p2p/${strangerPeerId()}`
    await pinVia({ cid: await unfindableCid(), name: 'waiting-for-content', origins: [origin] })
    await page.setViewportSize({ width: 900, height: 800 })
    await go('2', 'Pins')
    await expect
      .poll(() => page.locator('tr[data-status="pinning"] .pin-reason').count(), { timeout: 30_000 })
      .toBeGreaterThan(0)
    const sizes = await page.evaluate(() => {
      const d = (
        globalThis as unknown as {
          document: {
            documentElement: { scrollWidth: number }
            querySelector(s: string): { scrollWidth: number; clientWidth: number } | null
          }
        }
      ).document
      const wrap = d.querySelector('.table-wrap')!
      return { page: d.documentElement.scrollWidth, wrap: wrap.scrollWidth, wrapClient: wrap.clientWidth }
    })
    expect(sizes.page).toBeLessThanOrEqual(900)
    expect(sizes.wrap).toBeLessThanOrEqual(sizes.wrapClient)
    // Every name keeps room to be read (a fixed layout can squeeze a column to nothing).
    for (const box of await Promise.all((await page.locator('td.name-cell').all()).map((c) => c.boundingBox())))
      expect(box!.width).toBeGreaterThanOrEqual(120)
    // Each row's menu (which holds Remove pin) is in view.
    const menus = page.getByRole('button', { name: /^More actions for / })
    expect(await menus.count()).toBeGreaterThanOrEqual(2)
    for (const box of await Promise.all((await menus.all()).map((b) => b.boundingBox()))) {
      expect(box).not.toBeNull()
      expect(box!.x).toBeGreaterThanOrEqual(0)
      expect(box!.x + box!.width).toBeLessThanOrEqual(900)
    }
    const menu = await openRowMenu(page.locator('tr[data-requestid]').last())
    const remove = (await menu.getByRole('menuitem', { name: /^Remove pin / }).boundingBox())!
    expect(remove.x).toBeGreaterThanOrEqual(0)
    expect(remove.x + remove.width).toBeLessThanOrEqual(900)
    await page.screenshot({ path: join(SHOTS, 'pins-900-menu.png'), fullPage: true })
    await page.keyboard.press('Escape')
    await page.screenshot({ path: join(SHOTS, 'pins-900.png'), fullPage: true })
    const found = await axe('pins 900 (light)')
    await page.emulateMedia({ colorScheme: 'dark' })
    found.push(...(await axe('pins 900 (dark)')))
    expect(found).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
