import { describe, expect, it } from 'vitest'
import { gridMoveOf, moveInGrid } from './row-grid'

describe('moveInGrid', () => {
  const counts = [3, 3, 2]
  it('moves up and down keeping the column, and stops at the edges', () => {
    expect(moveInGrid(counts, { row: 0, col: 1 }, 'down')).toEqual({ row: 1, col: 1 })
    expect(moveInGrid(counts, { row: 1, col: 1 }, 'up')).toEqual({ row: 0, col: 1 })
    expect(moveInGrid(counts, { row: 0, col: 1 }, 'up')).toBeUndefined()
    expect(moveInGrid(counts, { row: 2, col: 0 }, 'down')).toBeUndefined()
  })
  it('keeps to the last control of a shorter row', () => {
    expect(moveInGrid(counts, { row: 1, col: 2 }, 'down')).toEqual({ row: 2, col: 1 })
  })
  it('moves left and right within the row without wrapping', () => {
    expect(moveInGrid(counts, { row: 1, col: 0 }, 'right')).toEqual({ row: 1, col: 1 })
    expect(moveInGrid(counts, { row: 1, col: 2 }, 'right')).toBeUndefined()
    expect(moveInGrid(counts, { row: 1, col: 0 }, 'left')).toBeUndefined()
  })
  it('goes to the ends of a row and of the grid', () => {
    expect(moveInGrid(counts, { row: 1, col: 1 }, 'home')).toEqual({ row: 1, col: 0 })
    expect(moveInGrid(counts, { row: 1, col: 0 }, 'end')).toEqual({ row: 1, col: 2 })
    expect(moveInGrid(counts, { row: 1, col: 2 }, 'first')).toEqual({ row: 0, col: 2 })
    expect(moveInGrid(counts, { row: 0, col: 2 }, 'last')).toEqual({ row: 2, col: 1 })
  })
})

describe('gridMoveOf', () => {
  it('maps the arrow keys and Home/End, with Ctrl for the whole grid', () => {
    expect(gridMoveOf('ArrowDown', false)).toBe('down')
    expect(gridMoveOf('Home', true)).toBe('first')
    expect(gridMoveOf('End', false)).toBe('end')
    expect(gridMoveOf('Enter', false)).toBeUndefined()
    expect(gridMoveOf('u', false)).toBeUndefined()
  })
})
