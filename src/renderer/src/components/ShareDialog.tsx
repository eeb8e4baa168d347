// "Share": one dialog per file that offers only links that work where they go, each labelled with where it
// opens (share-links.ts decides). Public content: the public gateway link from the owner's template (with a
// plain sentence while no public gateway can fetch it), the LAN link while LAN sharing is on (or a one-click
// way to turn it on, saying what that exposes), and the link for this computer. Private files: expiring
// signed links (on the LAN and on this computer, said as such), revoking them all after a confirmation that
// says how many stop working, and making the file public, an explicit step that asks first. A QR code only
// ever shows a link another device can open.
import { useEffect, useState, type ReactNode } from 'react'
import { toApiError } from '../api/errors'
import { formatAgo, formatLocal } from '../api/format'
import type { FileRecord, NodeStatus, Settings } from '../api/types'
import { useFiles } from '../store/files'
import { api, isAdmin, useSession } from '../store/session'
import { useToasts } from '../store/toasts'
import { ConfirmDialog } from './ConfirmDialog'
import { CopyButton } from './CopyButton'
import { Dialog } from './Dialog'
import { openExternal } from './links'
import { QrCode } from './QrCode'
import { gatewayHost, notReachableWhy, opensElsewhere, publicGatewayUrl, revokeWords } from './share-links'

const EXPIRY_CHOICES = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '1 week', seconds: 7 * 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
  { label: '1 year', seconds: 365 * 86_400 },
] as const

interface SignedLink {
  url: string
  lanUrl?: string
  expires: string
}

const fail = (what: string) => (err: unknown) => {
  const e = toApiError(err)
  useToasts.getState().show(`${what}: ${e.details || e.reason}`, 'error')
}

/** What the dialog needs to know about this node: its LAN sharing, its network, the owner's template. */
function useShareContext(open: boolean) {
  const [status, setStatus] = useState<NodeStatus>()
  const [settings, setSettings] = useState<Settings>()
  const admin = isAdmin(useSession((s) => s.me))
  useEffect(() => {
    if (!open) return
    let live = true
    void api()
      .status()
      .then((s) => live && setStatus(s), fail('Could not read the node status'))
    // The settings are the owner's (admin scope); without them the default template and the status's LAN do.
    if (admin)
      void api()
        .settings()
        .then((s) => live && setSettings(s), fail('Could not read the settings'))
    return () => {
      live = false
    }
  }, [open, admin])
  const lanOn = settings?.lan ?? status?.lan?.enabled ?? false
  const lanBase = (settings?.lanUrls ?? status?.lan?.urls ?? [])[0]
  return { status, settings, setSettings, admin, lanOn, lanBase }
}

export function ShareDialog({
  file,
  onClose,
  onChanged,
}: {
  file?: FileRecord
  onClose: () => void
  onChanged: () => void
}) {
  const ctx = useShareContext(Boolean(file))
  const [turningOn, setTurningOn] = useState(false)
  const turnOnLan = async () => {
    setTurningOn(true)
    try {
      ctx.setSettings(await api().saveSettings({ lan: true }))
      useToasts.getState().show('LAN sharing is on')
      void useFiles.getState().load()
    } catch (err) {
      fail('Could not turn on LAN sharing')(err)
    } finally {
      setTurningOn(false)
    }
  }
  const lan = <LanOffer admin={ctx.admin} lanOn={ctx.lanOn} busy={turningOn} onTurnOn={() => void turnOnLan()} />
  return (
    <Dialog open={Boolean(file)} title={file ? `Share ${file.path ?? file.name}` : ''} onClose={onClose} wide>
      {file ? (
        file.private ? (
          <PrivateShare key={file.cid} file={file} lanOn={ctx.lanOn} lanOffer={lan} onChanged={onChanged} />
        ) : (
          <PublicShare
            file={file}
            onChanged={onChanged}
            template={ctx.settings?.gatewayTemplate}
            network={ctx.status?.network}
            lanUrl={
              ctx.lanOn
                ? (file.lanUrl ?? (ctx.lanBase ? `${ctx.lanBase}/api/gateway/${file.cid}` : undefined))
                : undefined
            }
            lanOffer={lan}
          />
        )
      ) : null}
    </Dialog>
  )
}

/** One link: where it opens, the link itself, a copy button named by what it copies, and a QR code when the
 *  link can open on another device. */
function ShareLink({
  id,
  heading,
  where,
  url,
  copyLabel,
  note,
}: {
  id: string
  heading: string
  where: string
  url: string
  copyLabel: string
  note?: ReactNode
}) {
  const qr = opensElsewhere(url) && !note
  return (
    <section className="share-option" aria-labelledby={`${id}-h`} data-testid={id}>
      <h3 id={`${id}-h`}>{heading}</h3>
      <p className="muted">{where}</p>
      {note ? (
        <p className="share-note" role="note">
          {note}
        </p>
      ) : null}
      {qr ? (
        <QrCode text={url} size={168} />
      ) : (
        <p className="share-url">
          <code className="break">{url}</code>
        </p>
      )}
      <p className="share-actions">
        <CopyButton text={url} label={copyLabel} what="Link copied" />
        <a className="btn" href={url} target="_blank" rel="noopener noreferrer" onClick={(e) => openExternal(e, url)}>
          Open
        </a>
      </p>
    </section>
  )
}

/** LAN sharing off: what turning it on exposes, and the one click that does it (the owner only). */
function LanOffer({
  admin,
  lanOn,
  busy,
  onTurnOn,
}: {
  admin: boolean
  lanOn: boolean
  busy: boolean
  onTurnOn: () => void
}) {
  if (lanOn) return null
  return (
    <section className="share-option" aria-labelledby="share-lan-off-h">
      <h3 id="share-lan-off-h">On your local network</h3>
      <p className="muted">
        LAN sharing is off, so nothing here opens on a phone or another computer on your network. Turning it on lets
        every device on your network open public files by their link, and private files only with a signed link; the
        API, your keys and your other settings stay on this computer.
      </p>
      {admin ? (
        <button type="button" className="btn" onClick={onTurnOn} disabled={busy}>
          Turn on LAN sharing
        </button>
      ) : (
        <p className="muted">Only the owner can turn it on.</p>
      )}
    </section>
  )
}

function PublicShare({
  file,
  template,
  network,
  lanUrl,
  lanOffer,
  onChanged,
}: {
  file: FileRecord
  template?: string
  network?: 'public' | 'local'
  lanUrl?: string
  lanOffer: ReactNode
  onChanged: () => void
}) {
  const publicUrl = publicGatewayUrl(template, file.cid)
  const why = notReachableWhy(file, network)
  const [confirmPrivate, setConfirmPrivate] = useState(false)
  const makePrivate = () =>
    api()
      .request<FileRecord>('PATCH', `/api/files/${encodeURIComponent(file.cid)}`, { private: true })
      .then(() => {
        setConfirmPrivate(false)
        useToasts.getState().show('The file is private now')
        onChanged()
      }, fail('Could not make it private'))
  return (
    <div className="share-options">
      <ShareLink
        id="share-public"
        heading="Anywhere, through a public gateway"
        where={`Opens on any device with internet access, through ${gatewayHost(publicUrl)}, while this computer is online.`}
        url={publicUrl}
        copyLabel="Copy public gateway link"
        note={why}
      />
      {lanUrl ? (
        <ShareLink
          id="share-lan"
          heading="On your local network"
          where="Opens on phones and computers on your network (the same Wi-Fi or cable), while Tack runs."
          url={lanUrl}
          copyLabel="Copy LAN link"
        />
      ) : (
        lanOffer
      )}
      <ShareLink
        id="share-local"
        heading="On this computer"
        where="Opens on this computer only: another device cannot open this address."
        url={api().absolute(file.gatewayUrl)}
        copyLabel="Copy link for this computer"
      />
      <p className="share-danger">
        {confirmPrivate ? null : (
          <button type="button" className="btn" onClick={() => setConfirmPrivate(true)}>
            Make private…
          </button>
        )}
      </p>
      {confirmPrivate ? (
        <p role="alert">
          The links above stop working and this computer stops offering it on IPFS; its pins here are removed. Copies
          others already fetched stay with them.{' '}
          <button type="button" className="btn danger" onClick={() => void makePrivate()}>
            Make private
          </button>{' '}
          <button type="button" className="btn" onClick={() => setConfirmPrivate(false)}>
            Keep public
          </button>
        </p>
      ) : null}
    </div>
  )
}

function PrivateShare({
  file,
  lanOn,
  lanOffer,
  onChanged,
}: {
  file: FileRecord
  lanOn: boolean
  lanOffer: ReactNode
  onChanged: () => void
}) {
  const [expiresIn, setExpiresIn] = useState<number>(86_400)
  const [link, setLink] = useState<SignedLink>()
  const [confirmPublic, setConfirmPublic] = useState(false)
  const [revoking, setRevoking] = useState<{ live: number }>()
  const path = `/api/files/${encodeURIComponent(file.cid)}`
  const create = () =>
    api().request<SignedLink>('POST', `${path}/links`, { expiresIn }).then(setLink, fail('Could not make a link'))
  // A link made before LAN sharing was turned on has no LAN address: make it again, with the same expiry.
  useEffect(() => {
    if (lanOn && link && !link.lanUrl) void create()
  }, [lanOn])
  const askRevoke = () =>
    api().request<{ live: number }>('GET', `${path}/links`).then(setRevoking, fail('Could not count the links'))
  const revoke = () =>
    api()
      .request<void>('DELETE', `${path}/links`)
      .then(() => {
        setLink(undefined)
        useToasts.getState().show('Every link to this file was revoked')
      }, fail('Could not revoke the links'))
  const makePublic = () =>
    api()
      .request<FileRecord>('PATCH', path, { private: false })
      .then(() => {
        setConfirmPublic(false)
        useToasts.getState().show('The file is public now')
        onChanged()
      }, fail('Could not make it public'))
  const expires = link ? `It expires ${formatAgo(link.expires)} (${formatLocal(link.expires)}).` : ''

  return (
    <div className="share-options">
      <p className="muted">
        This file is private: it is never put on IPFS, and no public gateway can open it. A signed link opens it without
        a key until the link expires or you revoke it.
      </p>
      <p>
        <label>
          Expires after{' '}
          <select value={expiresIn} onChange={(e) => setExpiresIn(Number(e.target.value))} aria-label="Link expiry">
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.seconds} value={c.seconds}>
                {c.label}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" className="btn btn-primary" onClick={() => void create()}>
          Create signed link
        </button>
      </p>
      {link?.lanUrl ? (
        <ShareLink
          id="share-signed-lan"
          heading="Signed link for your local network"
          where={`Opens on phones and computers on your network (the same Wi-Fi or cable), while Tack runs. ${expires}`}
          url={api().absolute(link.lanUrl)}
          copyLabel="Copy signed LAN link"
        />
      ) : null}
      {link ? (
        <ShareLink
          id="share-signed-local"
          heading="Signed link for this computer"
          where={`Opens on this computer only: another device cannot open this address. ${expires}`}
          url={api().absolute(link.url)}
          copyLabel="Copy signed link for this computer"
        />
      ) : null}
      {lanOffer}
      <p className="share-danger">
        <button type="button" className="btn danger" onClick={() => void askRevoke()}>
          Revoke all links…
        </button>{' '}
        {confirmPublic ? null : (
          <button type="button" className="btn" onClick={() => setConfirmPublic(true)}>
            Make public…
          </button>
        )}
      </p>
      {confirmPublic ? (
        <p role="alert">
          Anyone who knows its CID will be able to fetch it, and it may spread on IPFS.{' '}
          <button type="button" className="btn danger" onClick={() => void makePublic()}>
            Make public
          </button>{' '}
          <button type="button" className="btn" onClick={() => setConfirmPublic(false)}>
            Keep private
          </button>
        </p>
      ) : null}
      <ConfirmDialog
        item={revoking}
        title="Revoke every link to this file?"
        confirm="Revoke all links"
        onConfirm={() => void revoke()}
        onCancel={() => setRevoking(undefined)}
      >
        {({ live }) => revokeWords(live)}
      </ConfirmDialog>
    </div>
  )
}
