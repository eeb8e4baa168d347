// The Developer page's commands, built for the key being shown: each says which scope it needs, and a
// command the key cannot run says so instead of failing later with 403. Pure, unit tested next to it.
import type { Scope } from '../api/types'

export interface Command {
  label: string
  text: string
  needs: Scope
  /** Set when the key shown lacks the scope: what to do about it. */
  missing?: string
}

export function commandsFor(url: string, secret: string, scopes: readonly Scope[] | undefined): Command[] {
  const list: Array<Omit<Command, 'missing'>> = [
    {
      label: 'Point your Kubo at Tack',
      text: `ipfs pin remote service add tack ${url}/api/pinning ${secret}`,
      needs: 'pins:read',
    },
    {
      label: 'Pin something through Tack',
      text: 'ipfs pin remote add --service=tack --name=my-file <CID>',
      needs: 'pins:write',
    },
    {
      label: 'List what Tack pins for you',
      text: 'ipfs pin remote ls --service=tack --status=queued,pinning,pinned,failed',
      needs: 'pins:read',
    },
    {
      label: 'Upload a file with curl',
      text: `curl -T ./photo.jpg -H "Authorization: Bearer ${secret}" "${url}/api/files?name=photo.jpg"`,
      needs: 'files:write',
    },
    {
      label: 'List pins with curl',
      text: `curl -H "Authorization: Bearer ${secret}" "${url}/api/pinning/pins"`,
      needs: 'pins:read',
    },
  ]
  // No key shown (the <KEY> placeholder): nothing is missing yet.
  if (!scopes) return list
  return list.map((c) =>
    scopes.includes(c.needs) || scopes.includes('admin')
      ? c
      : { ...c, missing: `This key lacks the ${c.needs} scope: create a key with ${c.needs} to run this.` },
  )
}
