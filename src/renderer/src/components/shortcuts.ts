// The single-key shortcuts (1–4 for the pages, "/" for search, "u" to add files) must not take keys meant
// for typing, and only for typing: a checkbox, a button or a select with the focus has no use for "1" or "u",
// so the shortcut works there (Chromium's type-ahead in a select is stopped by the handler's preventDefault).

/** Input types that take typed text; every other type (checkbox, radio, button, file, range…) does not. */
const TEXT_INPUTS = new Set([
  'text',
  'search',
  'email',
  'url',
  'password',
  'tel',
  'number',
  'date',
  'datetime-local',
  'month',
  'time',
  'week',
])

export interface FocusTarget {
  tagName: string
  type?: string
  isContentEditable?: boolean
}

/** Whether the focused element takes typed text, so a single key is typing, not a shortcut. */
export function takesText(target: FocusTarget | null | undefined): boolean {
  if (!target) return false
  if (target.isContentEditable) return true
  if (target.tagName === 'TEXTAREA') return true
  if (target.tagName === 'INPUT') return TEXT_INPUTS.has((target.type || 'text').toLowerCase())
  return false
}

/** Whether a key press is a plain single key for a shortcut: no modifier, and not typed into a text field. */
export function isShortcutKey(e: KeyboardEvent): boolean {
  return !e.ctrlKey && !e.metaKey && !e.altKey && !takesText(e.target as FocusTarget | null)
}
