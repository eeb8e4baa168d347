import { describe, expect, it } from 'vitest'
import { commandsFor } from './commands'

describe('commandsFor', () => {
  it('puts the key and URL in, and names the scope a key lacks', () => {
    const cmds = commandsFor('http://127.0.0.1:7575', 'SECRET', ['pins:read', 'pins:write'])
    const upload = cmds.find((c) => c.label.startsWith('Upload'))!
    expect(upload.text).toContain('Bearer SECRET')
    expect(upload.text).toContain('http://127.0.0.1:7575/api/files?name=photo.jpg')
    expect(upload.missing).toMatch(/lacks the files:write scope/)
    expect(cmds.filter((c) => c.missing)).toHaveLength(1)
  })
  it('misses nothing for a key with files:write, or when no key is shown', () => {
    expect(commandsFor('u', 's', ['pins:read', 'pins:write', 'files:write']).some((c) => c.missing)).toBe(false)
    expect(commandsFor('u', '<KEY>', undefined).some((c) => c.missing)).toBe(false)
  })
})
