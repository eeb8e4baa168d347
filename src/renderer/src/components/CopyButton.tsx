import { copyText } from '../store/toasts'
import { Icon, type IconName } from './Icon'

/** A button that copies `text`; shows a label or just an icon (then the label is its accessible name). The
 *  label is required and says what is copied ("Copy CID of photo.jpg"): a list of plain "Copy" buttons reads
 *  the same to a screen reader on every row. */
export function CopyButton({
  text,
  label,
  what,
  icon = 'copy',
  iconOnly = false,
  className = '',
}: {
  text: string
  label: string
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
