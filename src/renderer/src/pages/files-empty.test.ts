import { describe, expect, it } from 'vitest'
import { emptyFiles } from './files-empty'

describe('the empty Files list', () => {
  it('speaks of the filter that is on, not of an empty library', () => {
    expect(emptyFiles({ q: '' }).title).toBe('No files yet')
    expect(emptyFiles({ q: '', private: 'true' }).title).toBe('No private files')
    expect(emptyFiles({ q: '', private: 'false' }).title).toBe('No public files')
    expect(emptyFiles({ q: 'cat' }).title).toBe('Nothing matches that search')
    expect(emptyFiles({ q: 'cat', private: 'true' }).title).toBe('No private files match that search')
    expect(emptyFiles({ q: 'cat', private: 'false' }).body).toContain('public files')
  })
})
