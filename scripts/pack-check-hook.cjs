// beforePack for the packaging dry run (scripts/pack-check.mjs): the real hook's checks, except that a native
// module which could not be built offline is reported instead of failing (the dry run checks the package for
// it). What it found goes to PACK_CHECK_REPORT for the dry run to read.
'use strict'
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: electron-builder require()s its hooks */
const { writeFileSync } = require('node:fs')
const { prepareTarget } = require('../build/before-pack.cjs')

exports.default = async function packCheckBeforePack(context) {
  const result = await prepareTarget(context, { nativeOptional: true })
  if (process.env.PACK_CHECK_REPORT) writeFileSync(process.env.PACK_CHECK_REPORT, JSON.stringify(result))
}
