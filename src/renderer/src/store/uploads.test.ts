import { describe, expect, it } from 'vitest'
import { groupUploads, unfinished, type PickedFile, type Upload } from './uploads'

const picked = (path: string): PickedFile => ({ file: new File(['x'], path.split('/').pop()!), path })

describe('groupUploads', () => {
  it('sends loose files one by one and each top-level folder as one upload', () => {
    const groups = groupUploads([
      picked('a.txt'),
      picked('site/index.html'),
      picked('site/css/s.css'),
      picked('b.txt'),
      picked('photos/1.jpg'),
    ])
    expect(groups.map((g) => [g.label, g.files.map((f) => f.path)])).toEqual([
      ['a.txt', ['a.txt']],
      ['b.txt', ['b.txt']],
      ['site/', ['site/index.html', 'site/css/s.css']],
      ['photos/', ['photos/1.jpg']],
    ])
  })
})

describe('unfinished', () => {
  it('counts what a reload would lose: queued and sending, not done, failed or cancelled', () => {
    const states: Upload['state'][] = ['queued', 'uploading', 'done', 'failed', 'cancelled', 'uploading']
    const items = states.map((state, id) => ({ id, state }) as Upload)
    expect(unfinished(items)).toBe(3)
    expect(unfinished([])).toBe(0)
  })
})
