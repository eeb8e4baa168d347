// GET/PUT /api/settings: what the owner may switch at run time (the UI and the tray use it): LAN sharing of
// the gateway, and whether files added from the UI go on IPFS at once (files/add-default.ts).
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { parse } from '../parse.js'

export interface SettingsSource {
  lanEnabled(): boolean
  lanUrls(): string[]
  setLan(enabled: boolean): Promise<void>
  addToIpfs(): boolean
  setAddToIpfs(on: boolean): void
}

const Body = z
  .object({ lan: z.boolean().optional(), addToIpfs: z.boolean().optional() })
  .refine((b) => b.lan !== undefined || b.addToIpfs !== undefined, { message: 'name a setting: lan or addToIpfs' })

export function settingsRoutes(source: SettingsSource): FastifyPluginAsync {
  const current = () => ({ lan: source.lanEnabled(), lanUrls: source.lanUrls(), addToIpfs: source.addToIpfs() })
  return async (app) => {
    app.get('/api/settings', { config: { scope: 'admin' } }, current)
    app.put('/api/settings', { config: { scope: 'admin' } }, async (request) => {
      const body = parse(Body, request.body, 'body')
      if (body.lan !== undefined) await source.setLan(body.lan)
      if (body.addToIpfs !== undefined) source.setAddToIpfs(body.addToIpfs)
      return current()
    })
  }
}
