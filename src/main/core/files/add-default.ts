// Whether files added from the UI (a drop or a pick in the window, a drop on the desktop app's window or Dock
// icon) go on IPFS at once: pinned in Kubo and announced as soon as they are stored, unless marked private.
// On by default: on a desktop the gateway that would pin an upload on its first read is one only this
// computer reaches, so "on demand" would mean "never" for the people the user shares with. The API keeps the
// seed's model (`PUT /api/files` without `pin` stays on-demand); this is the UI's choice, remembered here so
// the browser UI and the desktop shell follow the same setting.
import type { Db } from '../db/index.js'
import { readSetting, writeSetting } from '../db/settings.js'

const SETTING = 'files.add_to_ipfs'

export interface AddDefault {
  addToIpfs(): boolean
  setAddToIpfs(on: boolean): void
}

export function createAddDefault(db: Db): AddDefault {
  return {
    addToIpfs: () => readSetting(db, SETTING) !== 'false',
    setAddToIpfs: (on) => writeSetting(db, SETTING, String(on)),
  }
}
