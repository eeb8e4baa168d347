import { copyText } from '../store/toasts'
import { Icon, type IconName } from './Icon'

/** A button that copies `text`; shows a label or just an icon (then the label is its accessible name). */
export function CopyButton({
  text,
  label = 'Copy',
  what,
  icon = 'copy',
  iconOnly = false,
  className = '',
}: {
  text: string
  label?: string
  what?: string
  icon?: IconName
  iconOnly?: boolean
  className?: string
}) {
  return (
    <button
      type="button"
      className={`btn ${iconOnly ? 'btn-icon' : ''} ${className}`}
      onClick={() => void copyText(text, what)}
      title={iconOnly ? label : undefined}
      aria-label={iconOnly ? label : undefined}
    >
      <Icon name={icon} />
      {iconOnly ? null : <span>{label}</span>}
    </button>
  )
}
