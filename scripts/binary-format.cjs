// Reads an executable's header and says what it runs on: ELF (Linux), Mach-O (macOS) or PE (Windows), and
// the CPU it was built for, in Node's names (x64, arm64). Used by the packaging hook (build/before-pack.cjs)
// to refuse a target whose Kubo or MinIO is missing or built for another platform, and by its test.
// CommonJS so electron-builder's hook can require it as is.
'use strict'
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: electron-builder require()s its hooks */
const { openSync, readSync, closeSync } = require('node:fs')

const ELF_MACHINE = { 0x3e: 'x64', 0xb7: 'arm64', 0x03: 'ia32', 0x28: 'arm' }
const MACHO_CPU = { 0x01000007: 'x64', 0x0100000c: 'arm64', 0x07: 'ia32', 0x0c: 'arm' }
const PE_MACHINE = { 0x8664: 'x64', 0xaa64: 'arm64', 0x014c: 'ia32', 0x01c4: 'arm' }

/** { format: 'elf'|'macho'|'pe', platform: 'linux'|'darwin'|'win32', arch } or undefined for anything else. */
function parseHeader(buf) {
  if (buf.length >= 20 && buf.readUInt32BE(0) === 0x7f454c46) {
    const le = buf[5] === 1
    const machine = le ? buf.readUInt16LE(18) : buf.readUInt16BE(18)
    return { format: 'elf', platform: 'linux', arch: ELF_MACHINE[machine] ?? `elf-machine-0x${machine.toString(16)}` }
  }
  if (buf.length >= 8) {
    const magicLE = buf.readUInt32LE(0)
    if (magicLE === 0xfeedfacf || magicLE === 0xfeedface) {
      const cpu = buf.readUInt32LE(4)
      return { format: 'macho', platform: 'darwin', arch: MACHO_CPU[cpu] ?? `macho-cpu-0x${cpu.toString(16)}` }
    }
    if (buf.readUInt32BE(0) === 0xcafebabe) {
      // A universal binary: one slice per CPU.
      const n = buf.readUInt32BE(4)
      const archs = []
      for (let i = 0; i < n && 8 + i * 20 + 4 <= buf.length; i++) {
        const cpu = buf.readUInt32BE(8 + i * 20)
        archs.push(MACHO_CPU[cpu] ?? `macho-cpu-0x${cpu.toString(16)}`)
      }
      return { format: 'macho', platform: 'darwin', arch: 'universal', archs }
    }
  }
  if (buf.length >= 0x40 && buf[0] === 0x4d && buf[1] === 0x5a) {
    const pe = buf.readUInt32LE(0x3c)
    if (pe + 6 <= buf.length && buf.readUInt32BE(pe) === 0x50450000) {
      const machine = buf.readUInt16LE(pe + 4)
      return { format: 'pe', platform: 'win32', arch: PE_MACHINE[machine] ?? `pe-machine-0x${machine.toString(16)}` }
    }
  }
  return undefined
}

/** The header of a file on disk (the first 4 KiB hold every header above). */
function readBinaryFormat(file) {
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(4096)
    const n = readSync(fd, buf, 0, buf.length, 0)
    return parseHeader(buf.subarray(0, n))
  } finally {
    closeSync(fd)
  }
}

/** Undefined when the file runs on platform-arch; otherwise why not. */
function mismatch(file, platform, arch) {
  let found
  try {
    found = readBinaryFormat(file)
  } catch (err) {
    return `${file}: ${err.code === 'ENOENT' ? 'missing' : err.message}`
  }
  if (!found) return `${file}: not an executable (no ELF, Mach-O or PE header)`
  const fits = found.arch === arch || (found.arch === 'universal' && found.archs.includes(arch))
  if (found.platform !== platform || !fits)
    return `${file}: built for ${found.platform}-${found.arch}, wanted ${platform}-${arch}`
  return undefined
}

module.exports = { parseHeader, readBinaryFormat, mismatch }
