// Quotas as people type them: a number and a unit they pick (MiB or GiB); empty means no limit. Checked before
// anything is sent, so "abc" or "-5" is refused next to the field instead of making an unlimited account.
export const QUOTA_UNITS = { MiB: 1024 ** 2, GiB: 1024 ** 3 } as const
export type QuotaUnit = keyof typeof QUOTA_UNITS

export type QuotaInput = { ok: true; bytes: number | null } | { ok: false; error: string }

export function parseQuota(text: string, unit: QuotaUnit): QuotaInput {
  const t = text.trim().replace(',', '.')
  if (!t) return { ok: true, bytes: null }
  if (!/^\d+(\.\d+)?$/.test(t))
    return { ok: false, error: `Type a number of ${unit}, like 5 or 0.5, or leave it empty for no limit.` }
  const bytes = Math.round(Number(t) * QUOTA_UNITS[unit])
  if (!Number.isSafeInteger(bytes)) return { ok: false, error: 'That quota is too large.' }
  return { ok: true, bytes }
}

/** A quota in bytes as the form shows it: GiB from 1 GiB up, else MiB (two decimals at most). */
export function quotaText(bytes: number | null): { text: string; unit: QuotaUnit } {
  if (bytes === null) return { text: '', unit: 'GiB' }
  const gib = bytes / QUOTA_UNITS.GiB
  if (gib >= 1) return { text: String(Math.round(gib * 100) / 100), unit: 'GiB' }
  return { text: String(Math.round((bytes / QUOTA_UNITS.MiB) * 100) / 100), unit: 'MiB' }
}

/** What a quota means when it is legal but probably not what was meant (0: nothing at all may be stored). */
export function quotaWarning(bytes: number | null | undefined): string | undefined {
  if (bytes === 0) return 'A quota of 0 lets this account store nothing: every upload and pin is refused.'
  return undefined
}
