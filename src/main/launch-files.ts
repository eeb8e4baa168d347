// Files handed to Tack by the OS or another program at launch: "Open with Tack", a file manager's action, a
// script running `tack-desktop photo.jpg`. The first launch sees them in its own argv; a later launch passes
// its argv to the running Tack ('second-instance') and quits; macOS sends 'open-file' instead. Any local
// program can launch Tack with arguments, so these go through the same confirmation as a drop on the window.
import { resolve } from 'node:path'

/**
 * The file arguments of a launch: what follows the executable (and, unpackaged, the app's folder that
 * Electron's own executable is given), without switches (Chromium adds some of its own), resolved against
 * the launching process's working folder.
 */
export function filesFromArgv(argv: string[], cwd: string, packaged: boolean): string[] {
  return argv
    .slice(packaged ? 1 : 2)
    .filter((arg) => arg !== '' && !arg.startsWith('-'))
    .map((arg) => resolve(cwd, arg))
}
