export interface PackCheckResult {
  problems: string[]
  notes: string[]
  /** The work dir, kept when asked (`keep`). */
  work?: string
  appOutDir: string
}
export const GUI_EXECUTABLE: string
export function makeStandInElectron(dir: string): string
export function readFuseWire(file: string): string | undefined
export function nativeAbi(file: string): number | undefined
export function checkPackagedTree(
  appOutDir: string,
  init: { arch?: string; electronAbi: string; fuses?: Record<string, boolean>; nativeState?: string },
): { problems: string[]; notes: string[] }
export function checkAsar(archive: string): string[]
export function packCheck(init?: { keep?: boolean; log?: (msg: string) => void }): PackCheckResult
