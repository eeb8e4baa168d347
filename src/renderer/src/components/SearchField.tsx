// A search box of a toolbar: a labelled `type=search` input. The page's main one carries `data-search`, so
// the `/` shortcut focuses it.
import { Icon } from './Icon'

export function SearchField({
  label,
  placeholder,
  value,
  onChange,
  main,
  icon = true,
}: {
  /** What a screen reader announces. */
  label: string
  placeholder: string
  value: string
  onChange(value: string): void
  /** The page's main search: `/` focuses it. */
  main?: boolean
  icon?: boolean
}) {
  return (
    <label className="search">
      {icon ? <Icon name="search" /> : null}
      <span className="sr-only">{label}</span>
      <input
        type="search"
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        data-search={main ? '' : undefined}
      />
    </label>
  )
}
