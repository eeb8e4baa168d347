// A row's "More actions" menu, after the ARIA menu-button pattern: the button says what it opens
// (aria-haspopup, aria-expanded); Enter, Space or a click opens the menu on its first item; Up/Down move (and
// wrap), Home/End jump, Escape closes and gives the focus back to the button, Tab closes and moves on, a click
// outside closes. Every item's accessible name says what it does and to what ("Delete site"), so a list of
// rows never reads as a list of the same words. ArrowDown on the button is the table's (it moves to the next
// row, see row-grid.ts), not the menu's. The menu is fixed to the viewport so a scrolling table cannot cut it.
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react'
import { Icon, type IconName } from './Icon'
import { openExternal } from './links'

export interface RowMenuItem {
  /** What the item shows ("Delete"). */
  label: string
  /** Its accessible name, saying to what ("Delete site"); it starts with the label. */
  name: string
  icon: IconName
  /** A link (opened like the app opens links) instead of an action. */
  href?: string
  onSelect?: () => void
  danger?: boolean
}

const GAP = 4

export function RowMenu({ label, items }: { label: string; items: RowMenuItem[] }) {
  const [open, setOpen] = useState(false)
  const [place, setPlace] = useState<{ top: number; right: number }>()
  const button = useRef<HTMLButtonElement>(null)
  const menu = useRef<HTMLUListElement>(null)
  const id = useId()
  const entries = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])]

  const close = (refocus: boolean) => {
    setOpen(false)
    setPlace(undefined)
    if (refocus) button.current?.focus()
  }
  // Placed under the button, or above it when the window has no room below; kept there while the page scrolls.
  useLayoutEffect(() => {
    if (!open) return
    const measure = () => {
      const b = button.current?.getBoundingClientRect()
      const h = menu.current?.offsetHeight ?? 0
      if (!b) return
      const below = b.bottom + GAP + h <= window.innerHeight
      setPlace({ top: below ? b.bottom + GAP : Math.max(GAP, b.top - GAP - h), right: window.innerWidth - b.right })
    }
    measure()
    window.addEventListener('scroll', measure, true)
    window.addEventListener('resize', measure)
    return () => {
      window.removeEventListener('scroll', measure, true)
      window.removeEventListener('resize', measure)
    }
  }, [open])
  // The first item takes the focus once the menu is placed (a hidden element cannot take it).
  const placed = place !== undefined
  useLayoutEffect(() => {
    if (open && placed) entries()[0]?.focus()
  }, [open, placed])
  useEffect(() => {
    if (!open) return
    const outside = (e: PointerEvent) => {
      const t = e.target as Node
      if (!menu.current?.contains(t) && !button.current?.contains(t)) close(false)
    }
    document.addEventListener('pointerdown', outside, true)
    return () => document.removeEventListener('pointerdown', outside, true)
  }, [open])

  const onMenuKey = (e: KeyboardEvent) => {
    const all = entries()
    const at = all.indexOf(document.activeElement as HTMLElement)
    const go = (i: number) => all[(i + all.length) % all.length]?.focus()
    if (e.key === 'Escape') close(true)
    else if (e.key === 'Tab') return close(false)
    else if (e.key === 'ArrowDown') go(at + 1)
    else if (e.key === 'ArrowUp') go(at - 1)
    else if (e.key === 'Home') go(0)
    else if (e.key === 'End') go(all.length - 1)
    else return
    // The menu's keys are not the table's nor the app's (Escape must not also close a dialog behind).
    e.preventDefault()
    e.stopPropagation()
  }
  const choose = (item: RowMenuItem, e: MouseEvent) => {
    // The focus goes back to the button first, so a dialog the action opens returns it there when it closes.
    // A link closes the menu after the click, so the browser still follows it (its element must be there).
    if (item.href) {
      openExternal(e, item.href)
      return void setTimeout(() => close(true))
    }
    close(true)
    item.onSelect?.()
  }

  return (
    <>
      <button
        ref={button}
        type="button"
        className="btn btn-ghost btn-icon"
        data-cell
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        aria-label={label}
        title="More actions"
        onClick={() => (open ? close(true) : setOpen(true))}
      >
        <Icon name="more" />
      </button>
      {open ? (
        <ul
          ref={menu}
          id={id}
          role="menu"
          aria-label={label}
          className="row-menu"
          style={place ? { top: place.top, right: place.right } : { visibility: 'hidden' }}
          onKeyDown={onMenuKey}
        >
          {items.map((item) => (
            <li key={item.name} role="none">
              {item.href ? (
                <a
                  role="menuitem"
                  tabIndex={-1}
                  href={item.href}
                  target="_blank"
                  rel="noopener noreferrer"
                  aria-label={item.name}
                  onClick={(e) => choose(item, e)}
                >
                  <Icon name={item.icon} /> {item.label}
                </a>
              ) : (
                <button
                  type="button"
                  role="menuitem"
                  tabIndex={-1}
                  className={item.danger ? 'danger' : undefined}
                  aria-label={item.name}
                  onClick={(e) => choose(item, e)}
                >
                  <Icon name={item.icon} /> {item.label}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  )
}
