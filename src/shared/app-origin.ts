/** The origin the desktop app's renderer runs under (a privileged custom scheme, never a remote URL). */
export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://tack`
