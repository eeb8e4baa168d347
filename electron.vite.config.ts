import react from '@vitejs/plugin-react'
import { defineConfig, externalizeDepsPlugin } from 'electron-vite'
import { resolve } from 'node:path'
import type { Plugin } from 'vite'

/**
 * One Content-Security-Policy, sent as a header by whoever serves the page: the desktop's app:// handler
 * (src/main/protocol.ts, which names the core's exact port) and the headless UI route
 * (src/main/core/http/routes/ui.ts). A <meta> policy in index.html would be a second one, enforced on top
 * and written without knowing the port, so it is removed from the build. (The Vite dev server sends none.)
 */
export function stripMetaCsp(): Plugin {
  return {
    name: 'tack-strip-meta-csp',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => html.replace(/\s*<meta\s+http-equiv=["']Content-Security-Policy["'][^>]*>/gi, ''),
    },
  }
}

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    // The core's own process (src/main/core-host/child.ts) is an entry of its own: out/main/core-host.js.
    build: {
      rollupOptions: {
        input: { index: resolve('src/main/index.ts'), 'core-host': resolve('src/main/core-host/child.ts') },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    // A sandboxed preload cannot be an ES module: emit CommonJS as index.cjs (package.json says "type": "module").
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react(), stripMetaCsp()],
    build: { rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
  },
})
