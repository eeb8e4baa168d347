// What the Share dialog may offer for a file, decided from what is true of it: a public gateway link only for
// public content, with a plain sentence while no public gateway can fetch it yet (a local-only node, or not on
// IPFS yet); a LAN link only while LAN sharing is on; a QR code only for a link another device can open.
import type { FileRecord } from '../api/types'

export const DEFAULT_GATEWAY_TEMPLATE = 'https://{cid}.ipfs.dweb.link'

/** The public URL of a CID through the owner's template (settings.gatewayTemplate). */
export function publicGatewayUrl(template: string | undefined, cid: string): string {
  return (template || DEFAULT_GATEWAY_TEMPLATE).replaceAll('{cid}', cid)
}

/** The host a public gateway link opens on, to name it in the label. */
export function gatewayHost(url: string): string {
  try {
    return new URL(url).host.replace(/^[a-z0-9]{40,}\./, '')
  } catch {
    return url
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/i

/** Whether a link can open on another device: an http(s) URL whose host is not this computer's loopback. */
export function opensElsewhere(url: string): boolean {
  try {
    const u = new URL(url)
    return (u.protocol === 'http:' || u.protocol === 'https:') && !LOOPBACK.test(u.hostname)
  } catch {
    return false
  }
}

/** Why a public gateway cannot fetch the content yet, in words; undefined when it can. */
export function notReachableWhy(
  file: Pick<FileRecord, 'state' | 'private'>,
  network?: 'public' | 'local',
): string | undefined {
  if (file.private) return 'This file is private: it is never put on IPFS, so no public gateway can open it.'
  if (network === 'local')
    return 'Not reachable from the internet: this Tack runs on a local-only IPFS network (TACK_IPFS_NETWORK=local), so public gateways cannot fetch from it.'
  switch (file.state) {
    case 'pinned':
      return undefined
    case 'pinning':
      return 'Not reachable yet: it is being put on IPFS. The link works once that finishes and this computer has announced it, which can take a few minutes.'
    case 'failed':
      return 'Not reachable: putting it on IPFS failed. Pin it again, then share this link.'
    default:
      return 'Not reachable yet: it is kept on this computer only, not on IPFS. Pin it to put it on IPFS; the link works once it is announced.'
  }
}

/** What revoking breaks, for the confirmation. */
export function revokeWords(live: number): string {
  if (live === 0) return 'No link to this file is open now. Revoking makes sure no link made earlier can open it again.'
  const links = live === 1 ? '1 signed link' : `${live} signed links`
  return `${links} to this file will stop working at once, for everyone they were sent to: they will see a page saying the link was revoked. This cannot be undone; you can make new links afterwards.`
}
