// What the window shows stays true while it is open, in a real browser (Chromium through playwright-core)
// against a real core (Kubo, MinIO, SQLite in a temp dir), never reloading the page: a file's Last access
// follows its views, a key just used shows its last use, an empty list says which filter hides the files, a
// refused search leaves no stale rows under its error, and a form's server error goes with the next edit.
// The Dashboard: storage in parts, a quota of 0 said in words, the public gateway template with its refusal
// beside the field, and the LAN code opening a page on the phone that opens a CID typed there.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../src/main/core/binaries.js'
import { formatBytes } from '../src/shared/bytes.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { openRowMenu } from './fixtures/row-menu.js'

const ROOT = projectRoot()
const CHROMIUM = process.env.TACK_CHROMIUM ?? '/usr/bin/chromium'

let tack: TestTack
let browser: Browser
let page: Page
const names = ['alpha-notes.txt', 'beta-notes.txt']
const cids: string[] = []

/** The browser globals the page-side callbacks use (this project type-checks without the DOM library). */
interface Win {
  __sameDocument?: boolean
  document: {
    activeElement: {
      getAttribute(name: string): string | null
      textContent: string | null
      blur(): void
    } | null
  }
}

async function go(key: '1' | '2' | '3' | '4', heading: string) {
  await page.locator('h1').first().click()
  await page.locator('body').press(key)
  await expect.poll(() => page.locator('h1').first().textContent()).toBe(heading)
}

const row = (cid: string) => page.locator(`tr[data-cid="${cid}"]`)

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html')))
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 })
  if (!existsSync(CHROMIUM))
    execFileSync('bash', [join(ROOT, 'scripts', 'ensure-debian-packages.sh')], { stdio: 'inherit' })
  tack = await startTack({ config: { lanPort: 0 } })
  for (const name of names) {
    const res = await tack.api(`/api/files?name=${name}`, { method: 'PUT', body: randomBytes(500) })
    expect(res.status).toBe(201)
    cids.push(((await res.json()) as { cid: string }).cid)
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } })
  page = await context.newPage()
  await page.goto(tack.core.loginUrl())
  await page.locator('h1', { hasText: 'Files' }).waitFor()
  await page.evaluate(() => ((globalThis as unknown as Win).__sameDocument = true))
}, 400_000)

afterAll(async () => {
  // Still the page that signed in: nothing above reloaded it.
  if (page) expect(await page.evaluate(() => (globalThis as unknown as Win).__sameDocument)).toBe(true)
  await browser?.close()
  await tack?.destroy()
})

describe('live state in the browser', () => {
  it('a view through the gateway updates Views and Last access on the open Files page', async () => {
    const cell = () => row(cids[0]!).locator('.col-access')
    expect(await cell().textContent()).toBe('never')
    expect((await fetch(`${tack.url}/api/gateway/${cids[0]}`)).status).toBe(200)
    await expect.poll(() => row(cids[0]!).locator('.col-views').textContent(), { timeout: 10_000 }).toBe('1')
    await expect.poll(() => cell().textContent()).not.toBe('never')
    // On hover the local date and time, never the server's UTC text (that stays in the <time>'s dateTime).
    const iso = (await cell().locator('time').getAttribute('dateTime'))!
    expect(iso).toMatch(/^\d{4}-\d\d-\d\dT/)
    const local = await page.evaluate((t) => new Date(t).toLocaleString(), iso)
    expect(await cell().locator('time').getAttribute('title')).toBe(local)
    expect(await cell().getAttribute('title')).toBeNull()
  })

  it('an empty list names the filter that hides the files', async () => {
    const show = page.getByLabel('Show private or public files')
    await show.selectOption('true')
    await expect.poll(() => page.locator('.empty h3').textContent()).toBe('No private files')
    await show.selectOption('false')
    await page.getByLabel('Search files by name or path').fill('no-such-name')
    await expect.poll(() => page.locator('.empty h3').textContent()).toBe('No public files match that search')
    await page.getByLabel('Search files by name or path').fill('')
    await show.selectOption('')
    await expect.poll(() => page.locator('tr[data-cid]').count()).toBe(2)
  })

  it('a refused search shows its error in place of the rows, and a good one brings them back', async () => {
    await page.getByLabel('Search files by name or path').fill('x'.repeat(300))
    await expect.poll(() => page.locator('.error-box, [role="alert"]').count()).toBeGreaterThan(0)
    expect(await page.locator('tr[data-cid]').count()).toBe(0)
    await page.getByLabel('Search files by name or path').fill('beta')
    await expect.poll(() => page.locator('tr[data-cid]').count()).toBe(1)
    expect(await page.locator('tr[data-cid] .file-name').textContent()).toBe('beta-notes.txt')
    await page.getByLabel('Search files by name or path').fill('')
  })

  it('a key just used shows its last use on the open Developer page', async () => {
    const res = await tack.api('/api/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'live-key', scopes: ['pins:read'] }),
    })
    const key = (await res.json()) as { id: string; secret: string }
    await go('3', 'Developer')
    const line = () => page.locator(`li[data-key-id="${key.id}"]`).textContent()
    await expect.poll(line).toContain('last used never')
    const used = await fetch(`${tack.url}/api/pinning/pins`, { headers: { authorization: `Bearer ${key.secret}` } })
    expect(used.status).toBe(200)
    await expect.poll(line, { timeout: 15_000 }).not.toContain('last used never')
    expect(await line()).toContain('last used just now')
    // Each time on the line has its local date and time on hover.
    const times = page.locator(`li[data-key-id="${key.id}"] time`)
    expect(await times.count()).toBe(2)
    for (const t of await times.all())
      expect(await t.getAttribute('title')).toBe(
        await page.evaluate((iso) => new Date(iso).toLocaleString(), (await t.getAttribute('dateTime'))!),
      )
  })

  it('a server refusal beside a form field goes once the field is edited', async () => {
    await go('4', 'Dashboard')
    const name = page.getByLabel('New account name')
    await name.fill('owner')
    await page.getByRole('button', { name: 'Add account' }).click()
    const errorId = await name.getAttribute('aria-describedby')
    const error = page.locator(`[id="${errorId}"]`)
    await expect.poll(() => error.textContent()).toMatch(/owner/)
    expect(await name.getAttribute('aria-invalid')).toBe('true')
    await name.fill('owner2')
    await expect.poll(() => error.textContent()).toBe('')
    expect(await name.getAttribute('aria-invalid')).toBe('false')
  })

  it('the Dashboard splits storage into what IPFS holds and what only Tack holds', async () => {
    await go('4', 'Dashboard')
    const me = (await (await tack.api('/api/accounts/me')).json()) as {
      usage: number
      usageParts: { pinned: number; stored: number }
    }
    // beta was never opened: only in Tack. alpha was opened through the gateway, which pinned it.
    expect(me.usageParts.stored).toBe(500)
    expect(me.usageParts.pinned).toBeGreaterThan(0)
    expect(me.usageParts.pinned + me.usageParts.stored).toBe(me.usage)
    await expect.poll(() => page.locator('[data-part="stored"]').textContent()).toBe(formatBytes(500))
    expect(await page.locator('[data-part="pinned"]').textContent()).toBe(formatBytes(me.usageParts.pinned))
  })

  it('a quota of 0 is said in words, on the Dashboard and beside the quota field', async () => {
    const me = (await (await tack.api('/api/accounts/me')).json()) as { id: number }
    const setQuota = (quota: number | null) =>
      tack.api(`/api/accounts/${me.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ quota }),
      })
    expect((await setQuota(0)).status).toBe(200)
    try {
      await page.getByRole('button', { name: 'Refresh' }).click()
      const storage = page.getByRole('region', { name: 'Storage' })
      await expect.poll(() => storage.locator('.field-warning').textContent()).toContain('store nothing')
      const accounts = page.getByRole('region', { name: 'Accounts' })
      await expect.poll(() => accounts.locator('tr', { hasText: 'owner' }).locator('.field-warning').count()).toBe(1)
    } finally {
      await setQuota(null)
    }
    await page.getByRole('button', { name: 'Refresh' }).click()
    await expect.poll(() => page.getByRole('region', { name: 'Storage' }).locator('.field-warning').count()).toBe(0)
  })

  it('the public gateway template: a refusal beside its field, gone with the next edit; a good one is saved', async () => {
    const field = page.getByLabel('Public gateway link')
    const save = page.getByRole('region', { name: 'Public gateway' }).getByRole('button', { name: 'Save' })
    await field.fill('https://gw.example.test/ipfs/')
    await save.click()
    const errorId = (await field.getAttribute('aria-describedby'))!.split(' ')[0]!
    const error = page.locator(`[id="${errorId}"]`)
    await expect.poll(() => error.textContent()).toBe('Public gateway link: must contain {cid} where the CID goes')
    expect(await field.getAttribute('aria-invalid')).toBe('true')
    await field.fill('https://{cid}.ipfs.gw.example.test')
    expect(await error.textContent()).toBe('')
    await save.click()
    await expect
      .poll(
        async () => ((await (await tack.api('/api/settings')).json()) as { gatewayTemplate: string }).gatewayTemplate,
      )
      .toBe('https://{cid}.ipfs.gw.example.test')
  })

  it('the LAN code opens a page on the phone that says it reached Tack and opens a CID typed there', async () => {
    await page.getByRole('region', { name: 'LAN sharing' }).locator('label.switch').click()
    const caption = page.getByRole('region', { name: 'LAN sharing' }).locator('.qr figcaption').first()
    await expect.poll(() => caption.count(), { timeout: 20_000 }).toBe(1)
    const lan = (await caption.textContent())!
    expect(lan).toMatch(/^http:\/\//)
    expect(lan).not.toMatch(/127\.0\.0\.1|localhost/)
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })
    try {
      const tab = await phone.newPage()
      expect((await tab.goto(lan))?.status()).toBe(200)
      expect(await tab.locator('body').textContent()).toContain('This device reaches Tack')
      await tab.getByLabel('Open a CID someone gave you').fill('not-a-cid')
      const [refused] = await Promise.all([tab.waitForNavigation(), tab.getByRole('button', { name: 'Open' }).click()])
      expect(refused?.status()).toBe(400)
      expect(await tab.getByRole('alert').textContent()).toContain('not a CID')
      await tab.getByLabel('Open a CID someone gave you').fill(cids[1]!)
      const [opened] = await Promise.all([tab.waitForNavigation(), tab.getByRole('button', { name: 'Open' }).click()])
      expect(opened?.status()).toBe(200)
      expect(new URL(tab.url()).pathname).toBe(`/api/gateway/${cids[1]}`)
    } finally {
      await phone.close()
      await page.getByRole('region', { name: 'LAN sharing' }).locator('label.switch').click()
    }
  })

  it('shortcuts work while a checkbox or a select has the focus, never while typing', async () => {
    await go('1', 'Files')
    await page.getByRole('checkbox', { name: 'Private' }).focus()
    await page.keyboard.press('2')
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Pins')
    await page.keyboard.press('1')
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Files')
    const show = page.getByLabel('Show private or public files')
    await show.focus()
    await page.keyboard.press('/')
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as Win).document.activeElement?.getAttribute('type')))
      .toBe('search')
    // In the search box "1" and "u" are letters of the search.
    await page.keyboard.type('1u')
    expect(await page.getByLabel('Search files by name or path').inputValue()).toBe('1u')
    expect(await page.locator('h1').first().textContent()).toBe('Files')
    await page.getByLabel('Search files by name or path').fill('')
    await expect.poll(() => page.locator('tr[data-cid]').count()).toBe(2)
    await show.focus()
    // The shortcut's job is to open the file input's picker (a click on it); whether headless Chromium then
    // shows a chooser under load was not dependable, so the click itself is what is counted.
    await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document
      const input = doc.querySelector('[data-testid=file-input]') as { click(): void; multiple: boolean }
      const w = globalThis as unknown as { __pickerOpened: number; __multiple: boolean }
      w.__pickerOpened = 0
      input.click = () => {
        w.__pickerOpened++
        w.__multiple = input.multiple
      }
    })
    await page.keyboard.press('u')
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as { __pickerOpened: number }).__pickerOpened))
      .toBe(1)
    expect(await page.evaluate(() => (globalThis as unknown as { __multiple: boolean }).__multiple)).toBe(true)
    expect(await show.inputValue()).toBe('')
    await page.getByRole('checkbox', { name: 'Private' }).focus()
    await page.keyboard.press('4')
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Dashboard')
  })

  it('"Skip to content" is the first tab stop, and moves the focus to the page', async () => {
    await go('1', 'Files')
    const focused = () =>
      page.evaluate(() => {
        const el = (globalThis as unknown as Win).document.activeElement
        return el ? `${el.getAttribute('id') ?? ''}|${el.textContent?.trim().slice(0, 40) ?? ''}` : ''
      })
    // The tab stop before the first page link is the skip link, and there is none before it.
    await page.getByRole('link', { name: /^Files/ }).focus()
    await page.keyboard.press('Shift+Tab')
    expect(await focused()).toBe('|Skip to content')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await focused()).split('|')[0]).toBe('main')
    expect(await page.locator('h1').first().textContent()).toBe('Files')
    await page.getByRole('link', { name: /^Files/ }).focus()
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Shift+Tab')
    expect(
      await page.evaluate(() => (globalThis as unknown as Win).document.activeElement?.getAttribute('class')),
    ).not.toBe('skip-link')
  })

  it('every copy button says what it copies', async () => {
    await page
      .getByTestId('file-input')
      .setInputFiles([{ name: 'gamma-notes.txt', mimeType: 'text/plain', buffer: randomBytes(300) }])
    await expect
      .poll(() => page.locator('.upload', { hasText: 'gamma-notes.txt' }).getAttribute('data-upload-state'))
      .toBe('done')
    const names = async () => {
      const buttons = page.getByRole('button', { name: /^Copy/ })
      const out: string[] = []
      for (let i = 0; i < (await buttons.count()); i++) {
        const b = buttons.nth(i)
        out.push((await b.getAttribute('aria-label')) ?? (await b.textContent())!.trim())
      }
      return out
    }
    // The file rows' copy actions are in their menus.
    const rowCopies = async () => {
      const out: string[] = []
      for (const row of await page.locator('tr[data-cid]').all()) {
        const menu = await openRowMenu(row)
        for (const item of await menu.getByRole('menuitem', { name: /^Copy/ }).all())
          out.push((await item.getAttribute('aria-label')) ?? '')
        await page.keyboard.press('Escape')
        await expect.poll(() => menu.count()).toBe(0)
      }
      return out
    }
    const files = [...(await names()), ...(await rowCopies())]
    expect(files).toContain('Copy CID of gamma-notes.txt')
    // The upload's row and the three files' rows.
    expect(files.filter((n) => n.startsWith('Copy CID of')).length).toBe(4)
    await go('4', 'Dashboard')
    const dashboard = await names()
    expect(dashboard).toContain('Copy peer ID')
    for (const n of [...files, ...dashboard]) expect(n).not.toMatch(/^Copy( CID| link)?$/)
    // On the Files page the upload row and the table row are the same file; no two table rows share a name.
    expect(new Set(files).size).toBe(files.length - 1)
  })
})
