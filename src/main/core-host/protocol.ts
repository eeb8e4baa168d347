// The one contract between the shell (parent.ts) and the process that hosts the core (child.ts). Every message
// either way is parsed with these schemas before anything acts on it: a message that does not fit is refused
// (the child answers with a `refused` event, the parent logs it) and neither side crashes. Requests carry an id
// and get exactly one reply with that id; events carry the core's state and its log lines.
import { z } from 'zod'
import { ConfigSchema } from '../core/config.js'

/** What each request takes and answers with: one table, so both sides are typed from it. */
export const REQUESTS = {
  /** Builds and starts the core with this configuration (the sqliteBinding in it picks the native build). */
  start: { params: z.object({ config: ConfigSchema }), result: z.object({ url: z.string(), localToken: z.string() }) },
  stop: { params: z.object({}), result: z.object({}) },
  /** A fresh one-time login token for the owner (the renderer redeems it at POST /api/session). */
  loginToken: { params: z.object({}), result: z.object({ token: z.string() }) },
} as const

export type RequestOp = keyof typeof REQUESTS
export type RequestParams<O extends RequestOp> = z.input<(typeof REQUESTS)[O]['params']>
export type RequestResult<O extends RequestOp> = z.output<(typeof REQUESTS)[O]['result']>

const id = z.number().int().nonnegative()

export const RequestMessage = z.object({
  kind: z.literal('request'),
  id,
  op: z.enum(Object.keys(REQUESTS) as [RequestOp, ...RequestOp[]]),
  params: z.unknown(),
})
export type RequestMessage = z.infer<typeof RequestMessage>

/** The parent's messages to the child. */
export const ParentMessage = RequestMessage

export const HostError = z.object({
  message: z.string(),
  /** A CoreError's code, or a Node error's (EADDRINUSE): the shell matches codes, never messages. */
  code: z.string().optional(),
  /** A CoreError's details, so the parent can rebuild the same CoreError. */
  details: z.string().optional(),
})
export type HostError = z.infer<typeof HostError>

export const ReplyMessage = z.discriminatedUnion('ok', [
  z.object({ kind: z.literal('reply'), id, ok: z.literal(true), value: z.unknown() }),
  z.object({ kind: z.literal('reply'), id, ok: z.literal(false), error: HostError }),
])
export type ReplyMessage = z.infer<typeof ReplyMessage>

export const EventMessage = z.discriminatedUnion('event', [
  /** Sent once the child listens: the parent sends nothing before it. */
  z.object({ kind: z.literal('event'), event: z.literal('ready'), pid: z.number().int() }),
  /** A line of the core's log, formatted; the parent writes it to its own sink. */
  z.object({ kind: z.literal('event'), event: z.literal('log'), line: z.string() }),
  /** The child could not parse what the parent sent; why, for the parent's log. */
  z.object({ kind: z.literal('event'), event: z.literal('refused'), reason: z.string() }),
])
export type EventMessage = z.infer<typeof EventMessage>

/** The child's messages to the parent. */
export const ChildMessage = z.union([ReplyMessage, EventMessage])
export type ChildMessage = z.infer<typeof ChildMessage>

/** The first issue of a failed parse, short enough for a log line. */
export function describeIssue(error: z.ZodError): string {
  const first = error.issues[0]
  return first ? `${first.path.join('.') || '(message)'}: ${first.message}` : 'invalid message'
}
