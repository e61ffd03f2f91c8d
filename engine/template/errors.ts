import { TemplateError } from '../errors.js'

// Errors already explained by an inner render (a lazy variable, an included file) pass through outer
// renders unchanged, except that an outer render adds its location when the inner one had none.
const explained = new WeakMap<Error, { located: boolean }>()

/** A TemplateError that outer renders will not explain again; `isLocated` when it starts with file:line:col. */
export function explainedError(message: string, isLocated: boolean, cause?: unknown): TemplateError {
  const error = new TemplateError(message, cause === undefined ? undefined : { cause })
  explained.set(error, { located: isLocated })
  return error
}

/** How an error was explained, or undefined when it was not. */
export const explanation = (error: unknown): { located: boolean } | undefined => (error instanceof Error ? explained.get(error) : undefined)
