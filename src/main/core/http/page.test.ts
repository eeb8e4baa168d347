// Which Accept headers get a page instead of a PSA Failure body.
import { describe, expect, it } from 'vitest'
import { prefersHtml } from './page.js'

describe('prefersHtml', () => {
  it('is true for what browsers send when they open a link', () => {
    const chromium =
      'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7'
    expect(prefersHtml(chromium)).toBe(true)
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true)
    expect(prefersHtml('application/xhtml+xml')).toBe(true)
  })

  it('is false for API clients, fetch and curl, and when JSON ranks higher', () => {
    for (const accept of [undefined, '', '*/*', 'application/json', 'application/json, text/plain, */*'])
      expect(prefersHtml(accept), String(accept)).toBe(false)
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false)
    expect(prefersHtml('text/html;q=0')).toBe(false)
    expect(prefersHtml('text/html;q=abc')).toBe(false)
  })
})
