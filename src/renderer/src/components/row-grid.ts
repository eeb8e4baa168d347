// The Files and Pins tables follow the ARIA grid pattern (a data grid whose cells hold widgets): the table body
// is one tab stop (roving tabindex), Up/Down move to the same control in the row above or below, Left/Right move
// between the row's controls (its name cell, its primary action, its "More actions" button), Home/End go to the
// row's first or last control, Ctrl+Home/End to the first or last row. Tab leaves the table. The header row's
// controls (sorting, select page) stay ordinary tab stops: they are tools for the whole table, not a row's.
// Only keys pressed on a row's control itself move; keys inside an open row menu are the menu's.
import { useEffect, useState } from 'react'

export type GridMove = 'up' | 'down' | 'left' | 'right' | 'home' | 'end' | 'first' | 'last'

/** The grid move a key asks for, or undefined when the key is not the grid's. */
export function gridMoveOf(key: string, ctrl: boolean): GridMove | undefined {
  if (key === 'ArrowUp') return 'up'
  if (key === 'ArrowDown') return 'down'
  if (key === 'ArrowLeft') return 'left'
  if (key === 'ArrowRight') return 'right'
  if (key === 'Home') return ctrl ? 'first' : 'home'
  if (key === 'End') return ctrl ? 'last' : 'end'
  return undefined
}

export interface GridPlace {
  row: number
  col: number
}

/** Where a move goes in rows of `counts[row]` controls, or undefined at an edge (no wrapping, as the pattern
 *  says). Rows may differ in length: the column is kept where the row has it, else its last control. */
export function moveInGrid(counts: number[], at: GridPlace, move: GridMove): GridPlace | undefined {
  const last = (row: number) => Math.max(0, (counts[row] ?? 0) - 1)
  const toRow = (row: number): GridPlace | undefined =>
    row < 0 || row >= counts.length || counts[row] === 0 ? undefined : { row, col: Math.min(at.col, last(row)) }
  switch (move) {
    case 'up':
      return toRow(at.row - 1)
    case 'down':
      return toRow(at.row + 1)
    case 'left':
      return at.col > 0 ? { row: at.row, col: at.col - 1 } : undefined
    case 'right':
      return at.col < last(at.row) ? { row: at.row, col: at.col + 1 } : undefined
    case 'home':
      return { row: at.row, col: 0 }
    case 'end':
      return { row: at.row, col: last(at.row) }
    case 'first':
      return counts.length ? { row: 0, col: Math.min(at.col, last(0)) } : undefined
    case 'last':
      return counts.length ? toRow(counts.length - 1) : undefined
  }
}

/** A row's controls that take part in the grid: those marked `data-cell`. */
const cellsOf = (body: HTMLTableSectionElement): HTMLElement[][] =>
  [...body.rows].map((r) => [...r.querySelectorAll<HTMLElement>('[data-cell]')])

/** Makes a <tbody> a roving-tabindex grid; returns the ref callback to put on it. Rows come and go live (new
 *  uploads, statuses), so the tab stop is checked again whenever the body's children change. */
export function useRowGrid(): (el: HTMLTableSectionElement | null) => void {
  const [body, setBody] = useState<HTMLTableSectionElement | null>(null)
  useEffect(() => {
    if (!body) return
    let active: HTMLElement | undefined
    const sync = () => {
      const all = cellsOf(body).flat()
      if (!active || !all.includes(active)) active = all[0]
      for (const el of all) el.tabIndex = el === active ? 0 : -1
    }
    const onFocus = (e: FocusEvent) => {
      const el = e.target as HTMLElement
      if (el.hasAttribute('data-cell')) {
        active = el
        sync()
      }
    }
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement
      if (!el.hasAttribute('data-cell') || e.altKey || e.shiftKey) return
      const move = gridMoveOf(e.key, e.ctrlKey || e.metaKey)
      if (!move) return
      const grid = cellsOf(body)
      const row = grid.findIndex((r) => r.includes(el))
      const to = moveInGrid(
        grid.map((r) => r.length),
        { row, col: grid[row]?.indexOf(el) ?? 0 },
        move,
      )
      e.preventDefault()
      if (to) grid[to.row]?.[to.col]?.focus()
    }
    sync()
    const watch = new MutationObserver(sync)
    watch.observe(body, { childList: true, subtree: true })
    body.addEventListener('focusin', onFocus)
    body.addEventListener('keydown', onKey)
    return () => {
      watch.disconnect()
      body.removeEventListener('focusin', onFocus)
      body.removeEventListener('keydown', onKey)
    }
  }, [body])
  return setBody
}
