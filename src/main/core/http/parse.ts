// Request validation with zod: the first problem becomes a 400 that names the field.
import type { z } from 'zod'
import { CoreError } from '../errors.js'

export function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value ?? {})
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const path = issue?.path.length ? `${where}.${issue.path.join('.')}` : where
  throw new CoreError('BAD_REQUEST', `${path}: ${issue?.message ?? 'invalid'}`)
}
