// One byte-size format for all of Tack (UI, gateway listings, error messages): IEC units, powers of 1024,
// written the way people read them ("1 GiB", "300 KiB", "1.5 MiB"). No node, no DOM: both sides use it.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const

/** 0 → "0 B", 1536 → "1.5 KiB", 1073741824 → "1 GiB"; at most one decimal, none when it is .0. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  let n = bytes
  let i = 0
  while (n >= 1024 && i < UNITS.length - 1) {
    n /= 1024
    i++
  }
  const shown = i === 0 ? String(Math.round(n)) : n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10)
  return `${shown} ${UNITS[i]}`
}

/** A quota refusal in plain words: "needs 300 KiB; 200 KiB left of 1 GiB". `needs` undefined: "needs more than". */
export function quotaWords(input: { needs?: number; moreThan?: number; left: number; quota: number }): string {
  const needs =
    input.needs !== undefined ? formatBytes(input.needs) : `more than ${formatBytes(input.moreThan ?? input.left)}`
  return `needs ${needs}; ${formatBytes(Math.max(0, input.left))} left of ${formatBytes(input.quota)}`
}
