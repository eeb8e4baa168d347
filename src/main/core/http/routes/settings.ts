// GET/PUT /api/settings: what the owner may switch at run time (the UI and the tray use it). Today: LAN
// sharing of the gateway.
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { parse } from '../parse.js'

export interface SettingsSource {
  lanEnabled(): boolean
  lanUrls(): string[]
  setLan(enabled: boolean): Promise<void>
}

const Body = z.object({ lan: z.boolean() })

export function settingsRoutes(source: SettingsSource): FastifyPluginAsync {
  const current = () => ({ lan: source.lanEnabled(), lanUrls: source.lanUrls() })
  return async (app) => {
    app.get('/api/settings', { config: { scope: 'admin' } }, current)
    app.put('/api/settings', { config: { scope: 'admin' } }, async (request) => {
      const body = parse(Body, request.body, 'body')
      await source.setLan(body.lan)
      return current()
    })
  }
}
