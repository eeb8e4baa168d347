// The one error handler: every failure leaves as a PSA Failure body with Content-Type application/json and
// is logged with its request id. CoreErrors map through the code table; Fastify's own 4xx errors (bad JSON,
// wrong content type, body too large) keep their status; anything else is a 500 that is logged at `error`
// and never leaks internals. 499 (no body) is kept for a client that really went away: nobody reads it.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { CoreError, ERROR_CODES, type ErrorCode } from '../errors.js'
import type { Logger } from '../log.js'

const BY_STATUS = new Map<number, ErrorCode>(
  (Object.entries(ERROR_CODES) as Array<[ErrorCode, number]>).reverse().map(([code, status]) => [status, code]),
)
BY_STATUS.set(409, 'CONFLICT')

export function toCoreError(err: unknown): CoreError | undefined {
  if (err instanceof CoreError) return err
  const e = err as Partial<FastifyError>
  if (e.validation) return new CoreError('BAD_REQUEST', e.message ?? 'invalid request')
  const status = e.statusCode
  if (status && status >= 400 && status < 500) {
    return new CoreError(BY_STATUS.get(status) ?? 'BAD_REQUEST', e.message ?? 'bad request')
  }
  return undefined
}

/** The client closed its connection: its socket is gone (a body that was read to the end does not count). */
function clientGone(request: FastifyRequest): boolean {
  const socket = request.raw.socket as { destroyed?: boolean } | null
  return !socket || socket.destroyed === true
}

export function errorHandler(log: Logger) {
  return (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const where = { reqId: request.id, method: request.method, path: request.url.split('?')[0] }
    const known = toCoreError(err)
    if (known && known.status < 500) {
      log.info('request refused', { ...where, status: known.status, reason: known.code, details: known.details })
      return sendFailure(reply, known)
    }
    if (clientGone(request)) {
      log.debug('client went away', { ...where, error: String((err as Error)?.message ?? err) })
      return reply.code(499).send()
    }
    log.error(known ? 'request failed' : 'unhandled error', {
      ...where,
      error: String((err as Error)?.stack ?? err),
    })
    return sendFailure(
      reply,
      known ?? new CoreError('INTERNAL_SERVER_ERROR', 'something went wrong inside Tack; see its log'),
    )
  }
}

export function sendFailure(reply: FastifyReply, err: CoreError) {
  return reply.code(err.status).type('application/json').send(err.toFailure())
}
