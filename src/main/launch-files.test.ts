import { describe, expect, it } from 'vitest'
import { filesFromArgv } from './launch-files.js'

describe('filesFromArgv', () => {
  it('takes what follows the executable, without switches, resolved against the launch folder', () => {
    expect(filesFromArgv(['/opt/Tack/tack-desktop', '--no-sandbox', 'a.txt', '/etc/hosts'], '/home/u', true)).toEqual([
      '/home/u/a.txt',
      '/etc/hosts',
    ])
  })

  it('skips the app folder Electron itself is given in development', () => {
    expect(filesFromArgv(['/x/electron', '/repo', '--inspect', 'b'], '/w', false)).toEqual(['/w/b'])
  })

  it('is empty for a plain launch', () => {
    expect(filesFromArgv(['/opt/Tack/tack-desktop'], '/', true)).toEqual([])
    expect(filesFromArgv(['/opt/Tack/tack-desktop', '--hidden'], '/', true)).toEqual([])
  })
})
