// What the person who was sent a signed link sees when it no longer opens, in their browser: a short page in
// plain words with the same status as the Failure body an API client gets (410 expired, 403 revoked or
// damaged). It names no file and no reason beyond those: the link's holder learns nothing more than the code.
import type { FastifyReply } from 'fastify'
import type { CoreError } from '../errors.js'
import { page, sendPage } from './page.js'

const ASK = '<p>Ask the person who sent it to share the file again.</p>'

const PAGES: Partial<Record<string, { title: string; body: string }>> = {
  GONE: {
    title: 'This link has expired',
    body: `<h1>This link has expired</h1>
<p>The person who shared this file gave the link an end date, and it has passed.</p>${ASK}`,
  },
  FORBIDDEN: {
    title: 'This link no longer works',
    body: `<h1>This link no longer works</h1>
<p>The person who shared this file has revoked the link, or the link was not copied in full.</p>${ASK}`,
  },
}
const INCOMPLETE = {
  title: 'This link is not complete',
  body: `<h1>This link is not complete</h1>
<p>Part of the link seems to be missing. Try copying the whole link again.</p>${ASK}`,
}

export function sendLinkFailurePage(reply: FastifyReply, err: CoreError): FastifyReply {
  const { title, body } = PAGES[err.code] ?? INCOMPLETE
  return sendPage(reply.code(err.status), page(`${title} · Tack`, body), 'no-store')
}
