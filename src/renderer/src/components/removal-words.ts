// What a delete confirmation says goes, from GET /api/files/{cid}'s `removal`: the entry, its files, its pin,
// its forwarded copies, and which pins stay. Pure, so it is unit tested next to this file.
import type { Removal } from '../api/types'

const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`

export function removalWords(folder: boolean, r: Removal): string {
  const parts: string[] = []
  parts.push(
    folder
      ? `will be removed from Tack, with ${r.files === 1 ? 'its 1 file' : `its ${n(r.files, 'file')}`}.`
      : 'will be removed from Tack.',
  )
  if (r.pins) parts.push(`Its pin goes too: Tack stops keeping it on IPFS.`)
  else parts.push('It is not pinned.')
  if (r.forwarded)
    parts.push(`${n(r.forwarded, 'forwarding target is', 'forwarding targets are')} told to drop their copy.`)
  if (r.keptPins)
    parts.push(`${n(r.keptPins, 'pin')} you made through the Pinning API ${r.keptPins === 1 ? 'stays' : 'stay'}.`)
  parts.push('Copies other IPFS nodes hold stay there.')
  return parts.join(' ')
}
