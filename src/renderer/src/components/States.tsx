// Loading, empty and error states: every list and panel uses these, so they read the same everywhere.
import type { ReactNode } from 'react'
import type { ApiError } from '../api/errors'
import { Icon, type IconName } from './Icon'

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  )
}

export function Empty({ icon, title, children }: { icon: IconName; title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-icon">
        <Icon name={icon} size={28} />
      </div>
      <h3>{title}</h3>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  )
}

/** An API error with the server's own `details`, and a retry button when there is something to retry. */
export function ErrorBox({ error, onRetry, compact }: { error: ApiError; onRetry?: () => void; compact?: boolean }) {
  return (
    <div className={`error-box ${compact ? 'compact' : ''}`} role="alert">
      <div>
        <strong>{error.summary}</strong>
        {error.details ? <p className="error-details">{error.details}</p> : null}
        <p className="error-code">
          {error.reason}
          {error.status ? ` · HTTP ${error.status}` : ''}
        </p>
      </div>
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry}>
          <Icon name="refresh" /> Retry
        </button>
      ) : null}
    </div>
  )
}
