import { formatLocation, TsplayError, type SourceLocation } from '../errors.js'

/** An ansible.cfg could not be read or one of its values has the wrong type; located when the file line is known. */
export class ConfigError extends TsplayError {
  override readonly name: string = 'ConfigError'
  constructor(
    readonly detail: string,
    readonly location?: SourceLocation,
    options?: ErrorOptions,
  ) {
    super(location === undefined ? detail : `${formatLocation(location)}: ${detail}`, options)
  }
}
