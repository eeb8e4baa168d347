// electron-builder's afterSign hook (macOS): an unsigned arm64 app gets an ad-hoc signature (Apple silicon
// runs no unsigned code, and editing the bundle after electron-builder's own pass breaks the one it has);
// a signed app is notarized when credentials are configured, and says clearly why not when they are not.
'use strict'
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: electron-builder require()s its hooks */
const { join } = require('node:path')
const { execFileSync, spawnSync } = require('node:child_process')

const NOTARY_ENV = [
  ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
  ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
]

/** What to do for one built app: pure, so a test can walk every branch with stand-ins. */
function planMacSigning({ platform, arch, signed, env }) {
  if (platform !== 'darwin') return { adHoc: false, notarize: false, message: 'not macOS: nothing to do' }
  if (!signed)
    return {
      adHoc: arch === 'arm64',
      notarize: false,
      message:
        'notarization skipped: the app is not signed with a Developer ID (set CSC_LINK/CSC_NAME)' +
        (arch === 'arm64' ? '; ad-hoc signed so Apple silicon runs it' : ''),
    }
  const creds = NOTARY_ENV.find((names) => names.every((n) => env[n]))
  if (!creds)
    return {
      adHoc: false,
      notarize: false,
      message: `notarization skipped: no credentials (set ${NOTARY_ENV.map((c) => c.join(' + ')).join(', or ')})`,
    }
  return { adHoc: false, notarize: true, credentials: creds, message: `notarizing with ${creds[0]}` }
}

exports.planMacSigning = planMacSigning

exports.default = async function afterSign(context) {
  const { electronPlatformName: platform, appOutDir, packager } = context
  if (platform !== 'darwin') return
  const arch = { 1: 'x64', 3: 'arm64', 4: 'universal' }[context.arch] ?? String(context.arch)
  const app = join(appOutDir, `${packager.appInfo.productFilename}.app`)
  // codesign -dv reports on stderr; only a Developer ID signature can be notarized.
  const shown = spawnSync('codesign', ['-dv', '--verbose=2', app], { encoding: 'utf8' })
  const signed = shown.status === 0 && /Authority=Developer ID Application/.test(`${shown.stdout}${shown.stderr}`)
  const plan = planMacSigning({ platform, arch, signed, env: process.env })
  console.log(`[after-sign] ${plan.message}`)
  if (plan.adHoc) execFileSync('codesign', ['--force', '--deep', '--sign', '-', app], { stdio: 'inherit' })
  if (plan.notarize) {
    const { notarize } = require('@electron/notarize')
    const e = process.env
    await notarize(
      plan.credentials[0] === 'APPLE_API_KEY'
        ? {
            appPath: app,
            appleApiKey: e.APPLE_API_KEY,
            appleApiKeyId: e.APPLE_API_KEY_ID,
            appleApiIssuer: e.APPLE_API_ISSUER,
          }
        : {
            appPath: app,
            appleId: e.APPLE_ID,
            appleIdPassword: e.APPLE_APP_SPECIFIC_PASSWORD,
            teamId: e.APPLE_TEAM_ID,
          },
    )
  }
}
