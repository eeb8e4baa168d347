// The MinIO binary by an explicit path: with process.platform made win32 the core would look for minio.exe.
import { join } from 'node:path'
import { platformDir } from '../../src/main/core/binaries.js'

export const minioBinary = () => join(import.meta.dirname, '..', '..', 'resources', 'bin', platformDir(), 'minio')
