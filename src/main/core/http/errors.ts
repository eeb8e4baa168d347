// The one error handler: every failure leaves as a PSA Failure body with Content-Type application/json.
// CoreErrors map through the code table; Fastify's own 4xx errors (bad JSON, wrong content type, body too
// large) keep their status; anything else is a 500 that is logged and never leaks internals.
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

export function errorHandler(log: Logger) {
  return (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = toCoreError(err)
    if (known && known.status < 500) return sendFailure(reply, known)
    // A client that went away mid-request (a cancelled upload) is not Tack's failure; nobody reads the answer.
    if (!known && request.raw.destroyed) {
      log.debug('client went away', { method: request.method, url: request.url })
      return reply.code(499).send()
    }
    if (!known)
      log.error('unhandled error', { method: request.method, url: request.url, error: String((err as Error)?.stack ?? err) })
    return sendFailure(reply, known ?? new CoreError('INTERNAL_SERVER_ERROR', 'something went wrong inside Tack; see its log'))
  }
}

export function sendFailure(reply: FastifyReply, err: CoreError) {
  return reply.code(err.status).type('application/json').send(err.toFailure())
}
