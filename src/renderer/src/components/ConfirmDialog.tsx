// "Are you sure?" for the destructive actions (delete a file, remove a pin, revoke a key): the item it is
// about, what will happen, "Keep it" and a danger button that has the focus.
import type { ReactNode } from 'react'
import { Dialog } from './Dialog'
import { Icon } from './Icon'

export function ConfirmDialog<T>({
  item,
  title,
  confirm,
  trash,
  keep = 'Keep it',
  onConfirm,
  onCancel,
  children,
}: {
  /** What is about to go; the dialog is open while it is set. */
  item: T | undefined
  title: string
  confirm: string
  /** Show the bin icon on the confirm button. */
  trash?: boolean
  /** The button that backs out. */
  keep?: string
  onConfirm(item: T): void
  onCancel(): void
  children: (item: T) => ReactNode
}) {
  return (
    <Dialog open={item !== undefined} title={title} onClose={onCancel}>
      {item !== undefined ? (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault()
            onConfirm(item)
            onCancel()
          }}
        >
          <p>{children(item)}</p>
          <div className="form-actions">
            <button type="button" className="btn" onClick={onCancel}>
              {keep}
            </button>
            <button type="submit" className="btn btn-danger" autoFocus>
              {trash ? <Icon name="trash" /> : null} {confirm}
            </button>
          </div>
        </form>
      ) : null}
    </Dialog>
  )
}
