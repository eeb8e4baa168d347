// Signed links and privacy. On the API port: `POST|DELETE /api/files/{cid}/links` (make one, revoke all) and
// `PATCH /api/files/{cid}` (`{"private": false}`), behind files:write. On the API port and the LAN listener:
// `GET|HEAD /api/links/{cid}[/path]?f&e&s`, public: the link's signature is the credential, checked before
// the gateway's own serving code answers (ranges, HEAD, types and filenames as on the gateway). A browser that
// opens a link that no longer works gets a page that says why (link-pages.ts); API clients get the Failure body.
// `GET /api/files/{cid}/links` says how many links are live: what "revoke all" breaks.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Db } from '../../db/index.js'
import type { Files } from '../../files/index.js'
import type { Gateway } from '../../gateway/index.js'
import { RangeNotSatisfiable } from '../../gateway/range.js'
import { DEFAULT_EXPIRES_IN_S, LINK_PATH, MAX_EXPIRES_IN_S, type Links } from '../../links/index.js'
import { CoreError } from '../../errors.js'
import { sendLinkFailurePage } from '../link-pages.js'
import { prefersHtml } from '../page.js'
import { parse } from '../parse.js'
import type { Ship } from '../ship.js'
import { principalOf } from '../server.js'
import { serializeFile, type FileUrls } from './files.js'

const LinkBody = z
  .object({ expiresIn: z.number().int().min(1).max(MAX_EXPIRES_IN_S).default(DEFAULT_EXPIRES_IN_S) })
  .strict()
const PatchBody = z.object({ private: z.boolean() }).strict()
const ServeQuery = z.object({
  f: z.string().max(20).optional(),
  e: z.string().max(20).optional(),
  s: z.string().max(100).optional(),
  filename: z.string().max(255).optional(),
  download: z.enum(['true', 'false', '1', '0']).optional(),
})

export function linkRoutes(deps: { db: Db; files: Files; links: Links; urls: FileUrls }): FastifyPluginAsync {
  const { files, links, urls } = deps
  return async (app) => {
    app.post('/api/files/:cid/links', { config: { scope: 'files:write' } }, async (request, reply) => {
      const { cid } = request.params as { cid: string }
      const body = parse(LinkBody, request.body ?? {}, 'body')
      const accountId = principalOf(request).accountId
      const row = files.get(accountId, cid)
      const link = links.create(accountId, row.cid, body.expiresIn)
      const lan = urls.lan()
      return reply.code(201).send({
        url: urls.api() + link.path,
        ...(lan ? { lanUrl: lan + link.path } : {}),
        expires: link.expires.toISOString(),
      })
    })

    // How many links a revoke would break, for the confirmation that says so.
    app.get('/api/files/:cid/links', { config: { scope: 'files:read' } }, async (request) => {
      const { cid } = request.params as { cid: string }
      const accountId = principalOf(request).accountId
      return { live: links.live(accountId, files.get(accountId, cid).cid) }
    })

    app.delete('/api/files/:cid/links', { config: { scope: 'files:write' } }, async (request, reply) => {
      const { cid } = request.params as { cid: string }
      const accountId = principalOf(request).accountId
      links.revokeAll(accountId, files.get(accountId, cid).cid)
      return reply.code(204).send()
    })

    app.patch('/api/files/:cid', { config: { scope: 'files:write' } }, async (request) => {
      const { cid } = request.params as { cid: string }
      const body = parse(PatchBody, request.body ?? {}, 'body')
      const accountId = principalOf(request).accountId
      return serializeFile(await files.setPrivate(accountId, cid, body.private), urls)
    })
  }
}

/** The public side: serving a signed link. Registered on the API port and on the LAN listener. */
export function signedLinkRoutes(deps: { links: Links; gateway: Gateway; ship: Ship }): FastifyPluginAsync {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = request.params as { cid: string; '*'?: string }
    let query: z.infer<typeof ServeQuery>
    try {
      query = parse(ServeQuery, request.query, 'query')
      deps.links.check(params.cid, query)
    } catch (err) {
      // Someone opened a link they were sent: a page in words, not a Failure body meant for programs.
      if (err instanceof CoreError && prefersHtml(request.headers.accept)) return sendLinkFailurePage(reply, err)
      throw err
    }
    const res = await deps.gateway
      .serve({
        method: request.method === 'HEAD' ? 'HEAD' : 'GET',
        cid: params.cid,
        path: params['*'] ?? '',
        filename: query.filename,
        download: query.download === 'true' || query.download === '1',
        range: request.headers.range,
        ifNoneMatch: request.headers['if-none-match'],
        signed: true,
      })
      .catch((err: unknown) => {
        if (err instanceof RangeNotSatisfiable) reply.header('content-range', `bytes */${err.size}`)
        throw err
      })
    // The link expires and may be revoked: no shared cache may keep what it served.
    return deps.ship(request, reply, res, { ...res.headers, 'cache-control': 'private, no-store' })
  }
  return async (app) => {
    for (const url of [`${LINK_PATH}/:cid`, `${LINK_PATH}/:cid/*`]) {
      app.route({ method: ['GET', 'HEAD'], url, exposeHeadRoute: false, config: { scope: 'public' }, handler })
    }
  }
}
