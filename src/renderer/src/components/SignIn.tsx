// The pages a person sees before signing in: no link yet, or a link that was already used or has expired.
// Both say how to get a fresh link; pasting it into this tab's address bar signs in without a reload.
import { useSession } from '../store/session'

function HowToGetALink() {
  return (
    <>
      <p>
        To get a new link, run <code>tack login</code> in a terminal on the machine where Tack runs, or open the Tack
        desktop app there. Then open the link it gives you, or paste it into this tab&apos;s address bar.
      </p>
      <p className="muted">
        Each link signs in once, within 10 minutes. You then stay signed in in this browser until you sign out or leave
        Tack unused for 12 hours.
      </p>
    </>
  )
}

export function SignedOut() {
  const connect = useSession((s) => s.connect)
  return (
    <div className="center-screen">
      <div className="card narrow-card" data-testid="signed-out">
        <h1>Sign in to Tack</h1>
        {window.tack ? (
          <p>
            <button type="button" className="btn btn-primary" onClick={() => void connect()}>
              Sign in
            </button>
          </p>
        ) : (
          <>
            <p>
              Open the login link that <code>tack serve</code> printed when it started. It looks like{' '}
              <code>http://127.0.0.1:7575/#token=…</code>.
            </p>
            <HowToGetALink />
          </>
        )}
      </div>
    </div>
  )
}

export function LinkUsed() {
  return (
    <div className="center-screen">
      <div className="card narrow-card" data-testid="link-used">
        <h1>This sign-in link was already used or has expired</h1>
        <HowToGetALink />
      </div>
    </div>
  )
}
