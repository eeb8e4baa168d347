#!/usr/bin/env node
// The `tack` command: runs the TypeScript CLI under plain Node (no Electron), through tsx.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/index.ts')
