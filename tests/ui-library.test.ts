// The library in a real browser (Chromium through playwright-core) against a real core (Kubo, MinIO, SQLite
// in a temp dir): a folder uploaded by the picker and by a drop is one entry with the CID of
// `ipfs add -r --cid-version=1`, found by its name and by a file inside it; the LAN root page on a phone; a bad
// quota refused next to its field, and the server's quota refusal in plain words; a forwarding target that is
// down shown as such; at 900 px every action in view and reachable by keyboard, no sideways scroll with a
// 254-character name; axe-core finds no serious or critical violation on any page or dialog, light or dark;
// favicon.ico is served. Screenshots go to /tmp/tack-ui-library/.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../src/main/core/binaries.js'
import { startTack, type TestTack } from './fixtures/core.js'
import { openRowMenu } from './fixtures/row-menu.js'
import { startKuboNode, type KuboTestNode } from './fixtures/kubo-node.js'
import { tempDir } from './fixtures/tmp.js'

const ROOT = projectRoot()
const SHOTS = '/tmp/tack-ui-library'
const CHROMIUM = process.env.TACK_CHROMIUM ?? '/usr/bin/chromium'
const KiB = 1024

let tack: TestTack
let kubo: KuboTestNode
let browser: Browser
let context: BrowserContext
let page: Page
const pageErrors: string[] = []

/** The browser globals the page-side callbacks use (this project type-checks without the DOM library). */
interface Win {
  document: {
    body: { dispatchEvent(event: unknown): boolean }
    documentElement: { scrollWidth: number }
    scrollingElement: { scrollLeft: number }
    activeElement: { getAttribute(name: string): string | null } | null
  }
  Event: new (type: string, init: { bubbles: boolean; cancelable: boolean }) => object
  File: new (parts: string[], name: string) => unknown
}
interface FocusedEl {
  getAttribute(name: string): string | null
  closest(selector: string): FocusedEl | null
}

function ensureBuild() {
  if (existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) return
  execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 })
}

async function shot(name: string, target: Page = page) {
  await target.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' })
}

const fileRow = (name: string) =>
  page.locator('tr[data-cid]', { has: page.locator('.file-name', { hasText: new RegExp(`^${name}$`) }) })

async function go(key: '1' | '2' | '3' | '4', heading: string) {
  // Out of any field first (the search box keeps the focus after a search), so the key is a shortcut.
  await page.locator('h1').first().click()
  await page.locator('body').press(key)
  await expect.poll(() => page.locator('h1').first().textContent()).toBe(heading)
  await expect.poll(() => page.locator('.loading').count()).toBe(0)
}

/** Serious and critical axe-core violations on the page as it is now, as readable lines. */
async function axe(where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${where}: ${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary}`))
}

async function search(text: string) {
  await page.getByLabel('Search files by name or path').fill(text)
}

/** A folder on disk and the CID real Kubo gives it. */
async function folderOnDisk(root: string, files: Record<string, Buffer>) {
  const dir = tempDir('tack-ui-library-')
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(dir.path, root, path, '..'), { recursive: true })
    writeFileSync(join(dir.path, root, path), bytes)
  }
  const cid = (await kubo.ipfs(['add', '-r', '-Q', '--cid-version=1', '--only-hash', join(dir.path, root)])).trim()
  expect(cid).toMatch(/^bafy/)
  return { path: join(dir.path, root), cid, remove: () => dir.remove() }
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  ensureBuild()
  ;[tack, kubo] = await Promise.all([startTack({ config: { lanPort: 0, remotePollMs: 500 } }), startKuboNode()])
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
  page = await context.newPage()
  page.on('pageerror', (err) => pageErrors.push(String(err)))
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text())
  })
}, 400_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all([tack?.destroy(), kubo?.stop()])
})

describe('the library in a real browser', () => {
  it('signs in through a login link', async () => {
    await page.goto(tack.core.loginUrl())
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Files')
  })

  it('serves a favicon instead of a 404', async () => {
    const res = await fetch(`${tack.url}/favicon.ico`)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]))
    expect((await fetch(`${tack.url}/favicon.svg`)).headers.get('content-type')).toMatch(/svg/)
  })

  it('makes a picked folder one entry with the CID of `ipfs add -r`, found by its name and a file inside', async () => {
    const folder = await folderOnDisk('album', {
      'cover.txt': Buffer.from('cover'),
      'sub/a.txt': Buffer.from('a'),
      'sub/deeper/b.bin': randomBytes(20 * KiB),
    })
    try {
      await page.getByTestId('folder-input').setInputFiles(folder.path)
      await expect.poll(() => fileRow('album').getAttribute('data-cid'), { timeout: 30_000 }).toBe(folder.cid)
    } finally {
      folder.remove()
    }
    expect(await fileRow('album').getAttribute('data-type')).toBe('directory')
    expect(await page.locator('tr[data-cid]').count()).toBe(1)
    for (const q of ['album', 'deeper/b.bin', 'cover']) {
      await search(q)
      await expect.poll(() => page.locator('tr[data-cid]').count(), { timeout: 5000 }).toBe(1)
      expect(await page.locator('tr[data-cid]').getAttribute('data-cid')).toBe(folder.cid)
    }
    await search('nothing-like-this')
    await expect.poll(() => page.locator('.empty h3').textContent()).toBe('Nothing matches that search')
    await search('')
    await expect.poll(() => page.locator('tr[data-cid]').count()).toBe(1)

    // The folder opens to its files, each with its own link.
    await fileRow('album').locator('.file-name').click()
    const dialog = page.locator('dialog[open]')
    await expect.poll(() => dialog.locator('.entry-list li').count()).toBe(3)
    expect(await dialog.locator('.entry-list').textContent()).toContain('sub/deeper/b.bin')
    const href = await dialog.getByRole('link', { name: 'sub/a.txt' }).getAttribute('href')
    expect(await (await fetch(new URL(href!, tack.url))).text()).toBe('a')
    await shot('folder-open')
    await page.keyboard.press('Escape')
  })

  it('makes a dropped folder one entry with the CID of `ipfs add -r`', async () => {
    const files: Record<string, string> = { 'index.html': '<h1>hi</h1>', 'css/style.css': 'h1 { color: red }' }
    const folder = await folderOnDisk(
      'dropped-site',
      Object.fromEntries(Object.entries(files).map(([p, t]) => [p, Buffer.from(t)])),
    )
    folder.remove()
    // A synthetic drop cannot carry a real folder, so it carries entries shaped like Chromium's (the File and
    // Directory Entries API the page walks): a directory entry whose reader answers in a batch, then empty.
    await page.evaluate(
      ({ root, files }) => {
        const w = globalThis as unknown as Win
        type Entry = { name: string; isFile: boolean; isDirectory: boolean } & Record<string, unknown>
        const fileEntry = (name: string, text: string): Entry => ({
          name,
          isFile: true,
          isDirectory: false,
          file: (ok: (f: unknown) => void) => ok(new w.File([text], name)),
        })
        const dirEntry = (name: string, children: Entry[]): Entry => ({
          name,
          isFile: false,
          isDirectory: true,
          createReader: () => {
            let done = false
            return {
              readEntries: (ok: (e: Entry[]) => void) => {
                ok(done ? [] : children)
                done = true
              },
            }
          },
        })
        const tree = (prefix: string): Entry[] => {
          const here = Object.keys(files).filter((p) => p.startsWith(prefix))
          const names = [...new Set(here.map((p) => p.slice(prefix.length).split('/')[0]!))]
          return names.map((n) =>
            files[prefix + n] !== undefined ? fileEntry(n, files[prefix + n]!) : dirEntry(n, tree(`${prefix}${n}/`)),
          )
        }
        const dataTransfer = {
          types: ['Files'],
          items: [{ kind: 'file', webkitGetAsEntry: () => dirEntry(root, tree('')), getAsFile: () => null }],
          files: [],
          dropEffect: 'none',
        }
        for (const type of ['dragenter', 'dragover', 'drop']) {
          const event = new w.Event(type, { bubbles: true, cancelable: true })
          Object.defineProperty(event, 'dataTransfer', { value: dataTransfer })
          w.document.body.dispatchEvent(event)
        }
      },
      { root: 'dropped-site', files },
    )
    await expect.poll(() => fileRow('dropped-site').getAttribute('data-cid'), { timeout: 30_000 }).toBe(folder.cid)
    await search('style.css')
    await expect.poll(() => page.locator('tr[data-cid]').getAttribute('data-cid')).toBe(folder.cid)
    await search('')
  })

  it('shows a small page at the LAN root on a phone, about Tack and nobody’s files', async () => {
    const settings = await tack.api('/api/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lan: true }),
    })
    const lan = ((await settings.json()) as { lanUrls: string[] }).lanUrls[0]!
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const tab = await phone.newPage()
    const res = await tab.goto(lan)
    expect(res?.status()).toBe(200)
    expect(await tab.locator('h1').textContent()).toBe('Tack')
    const text = (await tab.locator('body').textContent())!
    expect(text).toContain('on your network')
    expect(text).not.toMatch(/album|dropped-site|bafy/)
    // Fits the phone: no sideways scroll.
    expect(
      await tab.evaluate(() => (globalThis as unknown as Win).document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(390)
    await shot('lan-root-phone', tab)
    await phone.close()
  })

  it('refuses a bad quota next to its field, and the server’s quota refusal reads in plain words', async () => {
    await go('4', 'Dashboard')
    const panel = page.getByRole('region', { name: 'Accounts' })
    await panel.getByLabel('New account name').fill('tiny')
    for (const bad of ['abc', '-5']) {
      await panel.getByRole('textbox', { name: /^Quota in GiB/ }).fill(bad)
      await panel.getByRole('button', { name: 'Add account' }).click()
      await expect.poll(() => panel.locator('.field-error', { hasText: /Type a number of GiB/ }).count()).toBe(1)
      expect(await panel.getByRole('textbox', { name: /^Quota in GiB/ }).getAttribute('aria-invalid')).toBe('true')
    }
    await shot('quota-refused')
    expect(tack.core.state.accounts.list().some((a) => a.name === 'tiny')).toBe(false)

    await panel.getByLabel('Quota unit', { exact: true }).selectOption('MiB')
    await panel.getByRole('textbox', { name: /^Quota in MiB/ }).fill('0.2')
    await panel.getByRole('button', { name: 'Add account' }).click()
    await expect.poll(() => tack.core.state.accounts.list().find((a) => a.name === 'tiny')?.quotaBytes).toBe(209715)
    // The server's refusal (the name is taken now) shows next to the name field. The form clears its name
    // once the page has the new account: typing before then would be cleared with it.
    await expect.poll(() => panel.getByLabel('New account name').inputValue()).toBe('')
    await panel.getByLabel('New account name').fill('tiny')
    await panel.getByRole('button', { name: 'Add account' }).click()
    await expect.poll(() => panel.getByLabel('New account name').getAttribute('aria-invalid')).toBe('true')
    expect(await panel.locator('.field-error', { hasText: /tiny/ }).count()).toBe(1)
    await shot('account-name-refused')
    const tiny = tack.core.state.accounts.list().find((a) => a.name === 'tiny')!
    const key = tack.core.state.keys.create({ accountId: tiny.id, name: 'k', scopes: ['files:write'] }).secret
    const refused = await tack.api('/api/files?name=big.bin', { method: 'PUT', body: randomBytes(300 * KiB), key })
    expect(((await refused.json()) as { error: { details: string } }).error.details).toBe(
      'this upload needs 300 KiB; 205 KiB left of 205 KiB',
    )
  })

  it('shows a forwarding target that is down as unreachable, with the error, and confirms its removal', async () => {
    await go('4', 'Dashboard')
    const panel = page.getByRole('region', { name: 'Remote targets' })
    await panel.getByLabel('Target name').fill('down')
    await panel.getByLabel('Target URL').fill('http://127.0.0.1:9/')
    await panel.getByRole('button', { name: 'Add target' }).click()
    // Something to forward, so the target is tried.
    await tack.api('/api/files?name=forward-me.txt&pin=true', { method: 'PUT', body: 'forward me' })
    const row = panel.locator('tr[data-remote="down"]')
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click()
          return row.getAttribute('data-reachable')
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe('false')
    expect(await row.textContent()).toMatch(/unreachable/)
    expect(await row.locator('.remote-health').textContent()).toMatch(/since .+: .+/)
    await shot('remote-down')
    await row.getByRole('button', { name: 'Remove target down' }).click()
    const dialog = page.locator('dialog[open]')
    expect(await dialog.textContent()).toContain('stops forwarding pins to down')
    expect(await axe('remove-target dialog')).toEqual([])
    await dialog.getByRole('button', { name: 'Keep it' }).click()
    expect(await row.count()).toBe(1)
    await row.getByRole('button', { name: 'Remove target down' }).click()
    await page.locator('dialog[open] button.btn-danger').click()
    await expect.poll(() => row.count()).toBe(0)
  })

  it('keeps every Files action in view at 900 px, by mouse and by keyboard, even with a 254-character name', async () => {
    const long = `${'a-very-long-file-name-'.repeat(11)}end.txt`.slice(-254)
    await tack.api(`/api/files?name=${encodeURIComponent(long)}`, { method: 'PUT', body: 'long name' })
    await page.setViewportSize({ width: 900, height: 800 })
    await go('1', 'Files')
    await page.reload()
    await expect.poll(() => page.locator('tr[data-cid]').count()).toBeGreaterThanOrEqual(3)
    expect(
      await page.evaluate(() => (globalThis as unknown as Win).document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(900)
    const row = page.locator('tr[data-cid]', { has: page.locator(`.file-name[title="${long}"]`) })
    const width = 900
    // One primary action and the menu: no more buttons than that in a row.
    expect(await row.getByRole('button').count()).toBeLessThanOrEqual(2)
    expect(await row.getByRole('link').count()).toBe(0)
    for (const action of [
      row.getByRole('button', { name: /^Share / }),
      row.getByRole('button', { name: /^More actions for / }),
    ]) {
      const box = (await action.boundingBox())!
      expect(box.x + box.width).toBeLessThanOrEqual(width)
    }
    const menu = await openRowMenu(row)
    for (const name of ['Open', 'Copy CID of', 'Pin', 'Details of', 'Delete']) {
      const box = (await menu.getByRole('menuitem', { name: new RegExp(`^${name} `) }).boundingBox())!
      expect(box.x, name).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width, name).toBeLessThanOrEqual(width)
    }
    await shot('files-900-menu')
    await page.keyboard.press('Escape')
    await expect.poll(() => menu.count()).toBe(0)
    await shot('files-900')
    // Keyboard: the name cell, Right to Share, Right to the menu; Enter opens it on its first item, arrows move,
    // Escape gives the focus back to the menu button; then End and Enter delete. Nothing scrolls sideways.
    const focused = () =>
      page.evaluate(() => {
        const el = (globalThis as unknown as Win).document.activeElement
        return el?.getAttribute('aria-label') ?? el?.getAttribute('class') ?? ''
      })
    await row.locator('td.name-cell').focus()
    expect(await focused()).toBe('name-cell col-name')
    await page.keyboard.press('ArrowRight')
    expect(await focused()).toBe(`Share ${long}`)
    await page.keyboard.press('ArrowRight')
    expect(await focused()).toBe(`More actions for ${long}`)
    await page.keyboard.press('Enter')
    await expect.poll(focused).toBe(`Open ${long}`)
    expect(await row.getByRole('button', { name: /^More actions/ }).getAttribute('aria-expanded')).toBe('true')
    await page.keyboard.press('ArrowDown')
    expect(await focused()).toBe(`Copy CID of ${long}`)
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('ArrowUp')
    expect(await focused()).toBe(`Delete ${long}`)
    await page.keyboard.press('Escape')
    await expect.poll(() => menu.count()).toBe(0)
    expect(await focused()).toBe(`More actions for ${long}`)
    expect(await row.getByRole('button', { name: /^More actions/ }).getAttribute('aria-expanded')).toBe('false')
    expect(await page.evaluate(() => (globalThis as unknown as Win).document.scrollingElement.scrollLeft)).toBe(0)
    const name = (await row.locator('.file-name').boundingBox())!
    expect(name.x).toBeGreaterThanOrEqual(0)
    await page.keyboard.press('Enter')
    await expect.poll(focused).toBe(`Open ${long}`)
    await page.keyboard.press('End')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('dialog[open]').textContent()).toContain('will be removed from Tack')
    await shot('files-900-delete')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0)
    await page.setViewportSize({ width: 1280, height: 820 })
  })

  it('makes the Files table one tab stop: Down and Up move between rows, Tab leaves, the shortcuts still work', async () => {
    await go('1', 'Files')
    const rows = page.locator('tr[data-cid]')
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(3)
    const cids = await Promise.all((await rows.all()).map((r) => r.getAttribute('data-cid')))
    /** The focused control: its row's CID and its name. */
    const focused = () =>
      page.evaluate(() => {
        const el = (globalThis as unknown as { document: { activeElement: FocusedEl | null } }).document.activeElement
        return `${el?.closest('tr')?.getAttribute('data-cid') ?? 'outside'}|${el?.getAttribute('aria-label') ?? ''}`
      })
    const tabStops = () => page.locator('tbody [data-cell][tabindex="0"]').count()
    expect(await tabStops()).toBe(1)
    await rows
      .nth(0)
      .getByRole('button', { name: /^Share / })
      .focus()
    expect(await focused()).toMatch(new RegExp(`^${cids[0]}\\|Share `))
    await page.keyboard.press('ArrowDown')
    expect(await focused()).toMatch(new RegExp(`^${cids[1]}\\|Share `))
    await page.keyboard.press('ArrowDown')
    expect(await focused()).toMatch(new RegExp(`^${cids[2]}\\|Share `))
    await page.keyboard.press('ArrowUp')
    expect(await focused()).toMatch(new RegExp(`^${cids[1]}\\|Share `))
    await page.keyboard.press('ArrowRight')
    expect(await focused()).toMatch(new RegExp(`^${cids[1]}\\|More actions for `))
    expect(await tabStops()).toBe(1)
    // Tab leaves the table; Shift+Tab comes back to the control that had the focus.
    await page.keyboard.press('Tab')
    expect((await focused()).split('|')[0]).toBe('outside')
    await page.keyboard.press('Shift+Tab')
    expect(await focused()).toMatch(new RegExp(`^${cids[1]}\\|More actions for `))
    // The single-key shortcuts work from a row's control.
    await page.keyboard.press('2')
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Pins')
  })

  it('has no serious or critical axe-core violation on any page, dialog or row menu, light and dark, 900 and 1400 px', async () => {
    const found: string[] = []
    const backup = join(SHOTS, 'backup.tar')
    writeFileSync(backup, Buffer.from(await (await tack.api('/api/export')).arrayBuffer()))
    for (const [width, scheme] of [
      [1400, 'light'],
      [1400, 'dark'],
      [900, 'light'],
      [900, 'dark'],
    ] as const) {
      await page.setViewportSize({ width, height: 820 })
      await page.emulateMedia({ colorScheme: scheme })
      const at = `${scheme}, ${width} px`
      for (const [key, heading] of [
        ['1', 'Files'],
        ['2', 'Pins'],
        ['3', 'Developer'],
        ['4', 'Dashboard'],
      ] as const) {
        await go(key, heading)
        found.push(...(await axe(`${heading} (${at})`)))
        await shot(`axe-${heading.toLowerCase()}-${scheme}-${width}`)
      }
      await go('1', 'Files')
      await fileRow('album').locator('.file-name').click()
      await expect.poll(() => page.locator('dialog[open] .entry-list li').count()).toBe(3)
      found.push(...(await axe(`folder dialog (${at})`)))
      await page.keyboard.press('Escape')
      await openRowMenu(fileRow('album'))
      found.push(...(await axe(`row menu (${at})`)))
      await shot(`axe-row-menu-${scheme}-${width}`)
      await page.getByRole('menuitem', { name: 'Delete album' }).click()
      await expect.poll(() => page.locator('dialog[open]').textContent()).toContain('will be removed')
      found.push(...(await axe(`delete dialog (${at})`)))
      await page.keyboard.press('Escape')
      await fileRow('album').getByRole('button', { name: 'Share album' }).click()
      await expect.poll(() => page.locator('dialog[open] [data-testid="share-public"]').count()).toBe(1)
      found.push(...(await axe(`share dialog (${at})`)))
      await page.keyboard.press('Escape')
      await go('2', 'Pins')
      await openRowMenu(page.locator('tr[data-requestid]').first())
      found.push(...(await axe(`pin row menu (${at})`)))
      await page.keyboard.press('Escape')
      // A refresh under way (the real list request held in the browser until axe has looked): its spinner too.
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      const pinList = (url: URL) => url.pathname === '/api/pinning/pins'
      // Every held request is let go and answered before the route goes (unrouting first left handlers that
      // then continued a route Playwright had already let through: unhandled errors).
      const handling: Array<Promise<void>> = []
      await page.route(pinList, (route) => {
        // A request that comes between the release and the unroute may find its route let through already.
        const handled = held.then(() => route.continue()).catch(() => {})
        handling.push(handled)
        return handled
      })
      await page.getByRole('button', { name: 'pinned', exact: true }).click()
      await expect.poll(() => page.locator('.spinner.small').count()).toBe(1)
      found.push(...(await axe(`pins refreshing (${at})`)))
      release()
      await Promise.all(handling)
      await page.unroute(pinList)
      await page.getByRole('button', { name: 'pinned', exact: true }).click()
      await expect.poll(() => page.locator('.spinner').count()).toBe(0)
      await page.getByRole('button', { name: 'Pin from CID' }).click()
      found.push(...(await axe(`pin dialog (${at})`)))
      await page.keyboard.press('Escape')
      await go('4', 'Dashboard')
      await page.getByRole('button', { name: 'Back up' }).click()
      await page.locator('dialog[open]').getByText('How to restore').click()
      found.push(...(await axe(`backup dialog (${at})`)))
      // Restore: the confirmation, then the summary (this Tack's own backup merged in: all of it already here).
      await page.locator('dialog[open]').getByTestId('restore-input').setInputFiles(backup)
      await expect.poll(() => page.locator('dialog[open] .restore-rules').count()).toBe(1)
      found.push(...(await axe(`restore dialog (${at})`)))
      await page.locator('dialog[open]').getByRole('button', { name: 'Restore', exact: true }).click()
      await page.locator('dialog[open] [data-testid="restore-result"]').waitFor({ timeout: 60_000 })
      found.push(...(await axe(`restore summary (${at})`)))
      await page.keyboard.press('Escape')
      // The skip link, shown while it has the focus.
      await page.getByRole('link', { name: 'Skip to content' }).focus()
      found.push(...(await axe(`skip link (${at})`)))
    }
    await page.emulateMedia({ colorScheme: 'light' })
    await page.setViewportSize({ width: 1280, height: 820 })
    expect(found).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
