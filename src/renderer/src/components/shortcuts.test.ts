import { describe, expect, it } from 'vitest'
import { takesText } from './shortcuts'

describe('takesText', () => {
  it('is true for fields that take typed text', () => {
    expect(takesText({ tagName: 'INPUT', type: 'text' })).toBe(true)
    expect(takesText({ tagName: 'INPUT', type: 'search' })).toBe(true)
    expect(takesText({ tagName: 'INPUT', type: '' })).toBe(true)
    expect(takesText({ tagName: 'TEXTAREA' })).toBe(true)
    expect(takesText({ tagName: 'DIV', isContentEditable: true })).toBe(true)
  })

  it('is false for checkboxes, selects, buttons and the page itself', () => {
    expect(takesText({ tagName: 'INPUT', type: 'checkbox' })).toBe(false)
    expect(takesText({ tagName: 'INPUT', type: 'radio' })).toBe(false)
    expect(takesText({ tagName: 'INPUT', type: 'file' })).toBe(false)
    expect(takesText({ tagName: 'SELECT' })).toBe(false)
    expect(takesText({ tagName: 'BUTTON' })).toBe(false)
    expect(takesText({ tagName: 'BODY' })).toBe(false)
    expect(takesText(null)).toBe(false)
  })
})
