// The public gateway the Share dialog builds links with for public content on IPFS (`gatewayTemplate`, set
// through /api/settings): a URL template with `{cid}` where the CID goes. Subdomain style by default: each
// CID gets its own origin there, so one shared page cannot read another's storage or cookies.
import type { Db } from '../db/index.js'
import { readSetting, writeSetting } from '../db/settings.js'

export const DEFAULT_GATEWAY_TEMPLATE = 'https://{cid}.ipfs.dweb.link'
export const MAX_TEMPLATE_LENGTH = 500
const SETTING = 'share.gateway_template'
// A real CIDv1 (the identity CID of no bytes) stands in for {cid} while the template is checked as a URL.
const SAMPLE_CID = 'bafkqaaa'

/** Why a template cannot be used, in words for the owner; undefined when it can. */
export function templateProblem(template: string): string | undefined {
  if (template.length > MAX_TEMPLATE_LENGTH) return `at most ${MAX_TEMPLATE_LENGTH} characters`
  if (!template.includes('{cid}')) return 'must contain {cid} where the CID goes'
  let url: URL
  try {
    url = new URL(template.replaceAll('{cid}', SAMPLE_CID))
  } catch {
    return 'must be a full http:// or https:// URL'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http:// or https:// URL'
  if (url.username || url.password) return 'must not carry a user name or password'
  return undefined
}

/** The public URL of a CID through a template. */
export function publicUrl(template: string, cid: string): string {
  return template.replaceAll('{cid}', cid)
}

export interface GatewayTemplate {
  gatewayTemplate(): string
  /** Callers check templateProblem first (the settings route answers 400 with it). */
  setGatewayTemplate(template: string): void
}

export function createGatewayTemplate(db: Db): GatewayTemplate {
  return {
    gatewayTemplate: () => readSetting(db, SETTING) ?? DEFAULT_GATEWAY_TEMPLATE,
    setGatewayTemplate: (template) => writeSetting(db, SETTING, template),
  }
}
