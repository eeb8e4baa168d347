// GET/PUT /api/settings: what the owner may switch at run time (the UI and the tray use it): LAN sharing of
// the gateway, whether files added from the UI go on IPFS at once (files/add-default.ts), and the public
// gateway the Share dialog builds links with (links/gateway-template.ts).
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { templateProblem } from '../../links/gateway-template.js'
import { parse } from '../parse.js'

export interface SettingsSource {
  lanEnabled(): boolean
  lanUrls(): string[]
  setLan(enabled: boolean): Promise<void>
  addToIpfs(): boolean
  setAddToIpfs(on: boolean): void
  gatewayTemplate(): string
  setGatewayTemplate(template: string): void
}

const Template = z.string().superRefine((t, ctx) => {
  const problem = templateProblem(t)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

const Body = z
  .object({ lan: z.boolean().optional(), addToIpfs: z.boolean().optional(), gatewayTemplate: Template.optional() })
  .refine((b) => b.lan !== undefined || b.addToIpfs !== undefined || b.gatewayTemplate !== undefined, {
    message: 'name a setting: lan, addToIpfs or gatewayTemplate',
  })

export function settingsRoutes(source: SettingsSource): FastifyPluginAsync {
  const current = () => ({
    lan: source.lanEnabled(),
    lanUrls: source.lanUrls(),
    addToIpfs: source.addToIpfs(),
    gatewayTemplate: source.gatewayTemplate(),
  })
  return async (app) => {
    app.get('/api/settings', { config: { scope: 'admin' } }, current)
    app.put('/api/settings', { config: { scope: 'admin' } }, async (request) => {
      const body = parse(Body, request.body, 'body')
      // The template first: it cannot fail, while turning LAN sharing on can (a port in use).
      if (body.gatewayTemplate !== undefined) source.setGatewayTemplate(body.gatewayTemplate)
      if (body.lan !== undefined) await source.setLan(body.lan)
      if (body.addToIpfs !== undefined) source.setAddToIpfs(body.addToIpfs)
      return current()
    })
  }
}
