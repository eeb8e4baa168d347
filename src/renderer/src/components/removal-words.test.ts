import { describe, expect, it } from 'vitest'
import { removalWords } from './removal-words'

describe('removalWords', () => {
  it('says what goes with a pinned, forwarded file', () => {
    expect(removalWords(false, { files: 1, pins: 1, keptPins: 0, forwarded: 2 })).toBe(
      'will be removed from Tack. Its pin goes too: Tack stops keeping it on IPFS. ' +
        '2 forwarding targets are told to drop their copy. Copies other IPFS nodes hold stay there.',
    )
  })
  it('counts a folder’s files and the pins that stay', () => {
    expect(removalWords(true, { files: 3, pins: 0, keptPins: 1, forwarded: 0 })).toBe(
      'will be removed from Tack, with its 3 files. It is not pinned. ' +
        '1 pin you made through the Pinning API stays. Copies other IPFS nodes hold stay there.',
    )
  })
})
